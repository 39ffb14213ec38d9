using System.Diagnostics;
using System.Globalization;

namespace ModelOps.Cli.Tests;

/// <summary>
/// A running <c>modelops</c> child process (built next to the tests): its output read line by line as it comes,
/// stopped by SIGKILL or SIGTERM like a service manager would; killed when disposed if still running.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _errorLines = [];
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private ChildProcess(Process process)
    {
        _process = process;
        _stdout = ReadLinesAsync(process.StandardOutput, _lines);
        _stderr = ReadLinesAsync(process.StandardError, _errorLines);
    }

    /// <summary>Starts <c>modelops ARGS</c> in <paramref name="workingDirectory"/> (the repository root when not given).</summary>
    public static ChildProcess Start(IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? CliProcess.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "modelops.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(start)!);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits (up to <paramref name="timeout"/>) for a line of stdout (or of stderr, the job's log) matching <paramref name="match"/>.</summary>
    /// <exception cref="InvalidOperationException">The process exited first (with its stderr), or the time ran out.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, bool stderr = false)
    {
        var clock = Stopwatch.StartNew();
        var lines = stderr ? _errorLines : _lines;
        while (clock.Elapsed < timeout)
        {
            lock (lines)
            {
                if (lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }
            }

            if (_stdout.IsCompleted && _stderr.IsCompleted)
            {
                throw new InvalidOperationException($"modelops exited before the awaited line: {await _stderr}");
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"no awaited line within {timeout}");
    }

    /// <summary>How many lines of stdout (or of stderr) so far match <paramref name="match"/>.</summary>
    public int CountLines(Func<string, bool> match, bool stderr = false)
    {
        var lines = stderr ? _errorLines : _lines;
        lock (lines)
        {
            return lines.Count(match);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, nothing flushed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as a service manager stops a process; then waits (up to a minute) for the exit.</summary>
    public async Task<CliResult> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitAsync(TimeSpan.FromMinutes(1));
    }

    /// <summary>Waits for the exit (killing the process after <paramref name="timeout"/>).</summary>
    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"modelops did not exit within {timeout}: {string.Join('\n', _errorLines)}");
        }

        return new CliResult(_process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private static async Task<string> ReadLinesAsync(StreamReader reader, List<string> lines)
    {
        await Task.Yield();
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }

        lock (lines)
        {
            return string.Concat(lines.Select(l => l + "\n"));
        }
    }
}

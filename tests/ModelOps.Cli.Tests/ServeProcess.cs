using System.Diagnostics;

namespace ModelOps.Cli.Tests;

/// <summary>A real <c>modelops serve</c> child process on a free port of 127.0.0.1; killed (SIGKILL) when disposed if still running.</summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _errors;

    private ServeProcess(Process process, Uri address, Task<string> errors)
    {
        _process = process;
        Address = address;
        _errors = errors;
    }

    public Uri Address { get; }

    public static async Task<ServeProcess> StartAsync(string database, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? CliProcess.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "modelops.dll"), "serve", "--urls", "http://127.0.0.1:0", "--database", database])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"modelops serve exited before listening: {await errors}");
            }

            if (line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
                // Keep draining stdout so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new ServeProcess(process, new Uri(line["Listening on ".Length..]), errors);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining, nothing flushed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as a service manager stops the hub; then waits (up to a minute) for the exit.</summary>
    /// <returns>The exit code and what the hub wrote to stderr.</returns>
    public async Task<(int ExitCode, string Stderr)> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
        return (_process.ExitCode, await _errors);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}

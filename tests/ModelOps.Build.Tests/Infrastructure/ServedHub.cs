using System.Diagnostics;

namespace ModelOps.Build.Tests.Infrastructure;

/// <summary>
/// <c>modelops serve --urls http://127.0.0.1:0</c> started from a given program (the installed tool, the single-file
/// binary) in a given folder; <see cref="Address"/> is read from its "Listening on" line. Killed when disposed.
/// </summary>
internal sealed class ServedHub : IDisposable
{
    private readonly Process _process;

    private ServedHub(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServedHub> StartAsync(string program, string folder, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = Process.Start(Shell.StartInfo(program, ["serve", "--urls", "http://127.0.0.1:0"], folder, environment))
            ?? throw new InvalidOperationException($"could not start {program}");
        var errors = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        try
        {
            while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2) - clock.Elapsed) is { } line)
            {
                if (line.StartsWith("Listening on ", StringComparison.Ordinal))
                {
                    // The rest of stdout is read (and dropped) so that the hub never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new ServedHub(process, new Uri(line["Listening on ".Length..]));
                }
            }

            throw new InvalidOperationException($"{program} serve exited before listening: {await errors}");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

namespace ModelOps.Cli.Tests;

/// <summary>A real <c>modelops serve</c> child process on a free port of 127.0.0.1; killed (SIGKILL) when disposed if still running.</summary>
internal sealed class ServeProcess : IDisposable
{
    private const string Listening = "Listening on ";
    private readonly ChildProcess _process;

    private ServeProcess(ChildProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts <c>modelops serve</c> on a free port of 127.0.0.1 and <paramref name="arguments"/> after its own (<c>--workers 1</c>).</summary>
    public static async Task<ServeProcess> StartAsync(string database, string? workingDirectory = null, IReadOnlyList<string>? arguments = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = ChildProcess.Start(["serve", "--urls", "http://127.0.0.1:0", "--database", database, .. arguments ?? []], workingDirectory, environment);
        try
        {
            var line = await process.WaitForLineAsync(l => l.StartsWith(Listening, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            return new ServeProcess(process, new Uri(line[Listening.Length..]));
        }
        catch (InvalidOperationException error)
        {
            process.Dispose();
            throw new InvalidOperationException($"modelops serve did not start listening: {error.Message}", error);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining, nothing flushed.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as a service manager stops the hub; then waits (up to a minute) for the exit.</summary>
    /// <returns>The exit code and what the hub wrote to stderr.</returns>
    public async Task<(int ExitCode, string Stderr)> TerminateAsync()
    {
        var result = await TerminateWithOutputAsync();
        return (result.ExitCode, result.Stderr);
    }

    /// <summary>SIGTERM, then the exit code and everything the hub wrote (its log) on stdout and stderr.</summary>
    public Task<CliResult> TerminateWithOutputAsync() => _process.TerminateAsync();

    public void Dispose() => _process.Dispose();
}

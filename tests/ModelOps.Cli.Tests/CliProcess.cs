namespace ModelOps.Cli.Tests;

/// <summary>Runs the real <c>modelops</c> program (built next to the tests) as a child process in the repository root.</summary>
internal static class CliProcess
{
    public static string RepoRoot { get; } = FindRoot();

    public static CliResult Run(params string[] args) => RunIn(RepoRoot, args);

    /// <summary>Runs <c>modelops</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>, with <paramref name="environment"/> added.</summary>
    public static CliResult RunIn(string workingDirectory, string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = ChildProcess.Start(args, workingDirectory, environment);
        return process.WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOps.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelOps.slnx above {AppContext.BaseDirectory}.");
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);

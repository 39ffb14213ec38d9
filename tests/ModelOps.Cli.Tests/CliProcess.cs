using System.Diagnostics;

namespace ModelOps.Cli.Tests;

/// <summary>Runs the real <c>modelops</c> program (built next to the tests) as a child process in the repository root.</summary>
internal static class CliProcess
{
    public static string RepoRoot { get; } = FindRoot();

    public static CliResult Run(params string[] args) => RunIn(RepoRoot, args);

    /// <summary>Runs <c>modelops</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>, with <paramref name="environment"/> added.</summary>
    public static CliResult RunIn(string workingDirectory, string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
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

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"modelops {string.Join(' ', args)} did not finish in 2 minutes.");
        }

        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
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

using System.Diagnostics;

namespace ModelOps.Build.Tests.Infrastructure;

/// <summary>What a program printed and how it ended.</summary>
internal sealed record ShellResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>
/// Runs programs as a user would from a terminal: in a given folder, with standard input closed (or the given
/// answer), without the MSBuild variables of the <c>dotnet test</c> that runs the tests (a nested build must not
/// inherit them).
/// </summary>
internal static class Shell
{
    public static ShellResult Run(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null, string? input = null)
    {
        using var process = Process.Start(StartInfo(file, arguments, workingDirectory, environment)) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s; its output so far is lost.");
        }

        process.WaitForExit();
        return new ShellResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <c>build.sh ARGS</c> of <paramref name="checkout"/> (this checkout when not given) with bash.</summary>
    public static ShellResult BuildScript(IEnumerable<string> arguments, TimeSpan timeout, string? checkout = null, string? input = null)
    {
        var root = checkout ?? Checkout.Root;
        return Run("bash", [Path.Combine(root, "build.sh"), .. arguments], root, timeout, input: input);
    }

    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        // Nested builds leave no MSBuild node or build server running after the test.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MODELOPS_DATABASE_URL"] = null;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return start;
    }
}

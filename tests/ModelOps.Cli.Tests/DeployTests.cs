using System.Diagnostics;

namespace ModelOps.Cli.Tests;

/// <summary>
/// The container files, checked without a Docker engine by <c>deploy/check.sh</c>: the Dockerfile's stages, user, health
/// check, volume and entrypoint, its own <c>dotnet publish</c> run here with the published hub answering, and the compose
/// file through <c>docker compose config</c> (Debian's docker-compose here; <c>build.sh test</c> installs it).
/// </summary>
public sealed class DeployTests
{
    [Fact]
    public async Task CheckScript_DockerfileAndComposeFile_PassEveryCheck()
    {
        var (code, stdout, stderr) = await RunAsync("deploy/check.sh");

        Assert.True(code == 0, stderr + stdout);
        Assert.Equal(
            [
                "ok: stages: build on the .NET 10 SDK, runtime on the ASP.NET Core 10 image",
                "ok: runs as the non-root user 'app'",
                "ok: HEALTHCHECK asks /health",
                "ok: the embedded store's folder is a volume",
                "ok: ENTRYPOINT runs modelops.dll from the published app (/opt/modelops)",
                "ok: the Dockerfile's publish ran: dotnet publish src/ModelOps.Cli/ModelOps.Cli.csproj -c Release -o /app --nologo",
                "ok: the published hub serves /health and the UI's scripts",
                "ok: deploy/compose.yaml parses ('docker-compose config'): hub x2, worker, PostgreSQL 15, Kafka (KRaft), proxy; refused without its secrets",
            ],
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace("'docker compose config'", "'docker-compose config'", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("USER app", "USER root", "deploy/check.sh: Dockerfile: the runtime stage runs as 'root'")]
    [InlineData("USER app", "", "deploy/check.sh: Dockerfile: the runtime stage sets no USER (it would run as root)")]
    [InlineData("VOLUME [\"/home/app/.modelops\"]", "", "deploy/check.sh: Dockerfile: the .modelops folder is not on a VOLUME")]
    [InlineData("ENTRYPOINT [\"dotnet\", \"/opt/modelops/modelops.dll\"]", "ENTRYPOINT [\"dotnet\", \"/usr/lib/modelops.dll\"]", "deploy/check.sh: Dockerfile: the ENTRYPOINT runs /usr/lib/modelops.dll, outside /opt/modelops where the published app is")]
    [InlineData("    replicas: 2", "    replicas: 1", "deploy/check.sh: deploy/compose.yaml: the hub does not have 2 replicas")]
    public async Task CheckScript_ABrokenFile_IsNamedWithWhatIsWrong(string line, string replacement, string message)
    {
        // A copy of the files the script reads, one of them broken.
        var copy = Directory.CreateTempSubdirectory("modelops-deploy-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(copy, "deploy"));
            var broken = line.Contains("replicas", StringComparison.Ordinal) ? "deploy/compose.yaml" : "Dockerfile";
            Assert.Contains(line + "\n", await File.ReadAllTextAsync(Path.Combine(CliProcess.RepoRoot, broken)), StringComparison.Ordinal);
            foreach (var file in (string[])["Dockerfile", "deploy/check.sh", "deploy/compose.yaml", "deploy/nginx.conf"])
            {
                var text = await File.ReadAllTextAsync(Path.Combine(CliProcess.RepoRoot, file));
                await File.WriteAllTextAsync(Path.Combine(copy, file), text.Replace(line + "\n", replacement.Length == 0 ? string.Empty : replacement + "\n", StringComparison.Ordinal));
            }

            var (code, _, stderr) = await RunAsync(Path.Combine(copy, "deploy", "check.sh"), "--no-publish");

            Assert.Equal((1, message), (code, stderr.Trim()));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [script, .. args]) { WorkingDirectory = CliProcess.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}

using ModelOps.Build.Tests.Infrastructure;

namespace ModelOps.Build.Tests.Tasks;

/// <summary><c>./build.sh clean</c>, on a throw-away clone holding what a build, a test run, a package and the demo leave behind.</summary>
public sealed class CleanTaskTests : IDisposable
{
    private static readonly string[] Leftovers =
    [
        "src/ModelOps.Core/bin/Release/net10.0/ModelOps.Core.dll",
        "src/ModelOps.Cli/obj/project.assets.json",
        "tests/ModelOps.Core.Tests/bin/Release/net10.0/ModelOps.Core.Tests.dll",
        "bench/ModelOps.Bench.Learners/obj/Release/x.cache",
        "TestResults/ModelOps.Core.Tests/run.trx",
        "artifacts/modelops.0.14.0.nupkg",
        "artifacts/linux-x64/modelops",
        ".modelops/modelops.db",
        "outputs/bike/predictions.csv",
    ];

    private readonly ScratchClone _clone = new();

    public CleanTaskTests()
    {
        foreach (var path in Leftovers)
        {
            _clone.Write(path);
        }
    }

    public void Dispose() => _clone.Dispose();

    [Fact]
    public void Clean_Yes_LeavesACleanGitStatus()
    {
        Assert.NotEmpty(_clone.Status());

        var result = Shell.BuildScript(["clean", "--yes"], TimeSpan.FromMinutes(2), _clone.Root);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("  .modelops", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _clone.Status());
    }

    [Fact]
    public void Clean_AnswerNo_RemovesNothing()
    {
        var result = Shell.BuildScript(["clean"], TimeSpan.FromMinutes(2), _clone.Root, input: "n\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Remove them? [y/N]", result.Output, StringComparison.Ordinal);
        Assert.Contains("nothing removed (answer y, or pass --yes)", result.Stdout, StringComparison.Ordinal);
        Assert.All(Leftovers, path => Assert.True(File.Exists(_clone.Combine(path)), path));
    }

    [Fact]
    public void Clean_NoInput_RemovesNothing()
    {
        var result = Shell.BuildScript(["clean"], TimeSpan.FromMinutes(2), _clone.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.All(Leftovers, path => Assert.True(File.Exists(_clone.Combine(path)), path));
    }
}

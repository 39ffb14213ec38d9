using ModelOps.Store;
using ModelOps.Store.Tracking;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops demo</c>, the main job, through the real process on a scratch copy of the checkout.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-demo-" + Guid.NewGuid().ToString("N")[..12]);

    public DemoCommandTests()
    {
        Directory.CreateDirectory(_folder);
        Directory.CreateSymbolicLink(Path.Combine(_folder, "data"), Path.Combine(CliProcess.RepoRoot, "data"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "configs"), Path.Combine(CliProcess.RepoRoot, "configs"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Demo_RunsTheWholeBikeChainAndSummarizes()
    {
        var database = Path.Combine(_folder, ".modelops", "modelops.db");
        var result = CliProcess.RunIn(_folder, ["demo", "--database", database], new Dictionary<string, string?> { ["MODELOPS_DATABASE_URL"] = null });

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        foreach (var job in new[] { "TuningJob", "TrainingJob", "PromotionJob", "InferenceJob", "EvaluationsJob", "ExplanationsJob" })
        {
            Assert.Contains(job + " (configs/bike/", result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("bike_demand version 1 (13,903 training rows, 3,476 test rows)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("bike_demand version 1 @ Champion", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"rmse \d+\.\d{4} <= 80 passed", result.Stdout);
        Assert.Matches(@"r2 0\.\d{4} >= 0\.85 passed", result.Stdout);
        Assert.Contains("modelops serve --urls http://127.0.0.1:5080", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder, "outputs", "bike", "predictions.csv")));

        // The demo's training used the tuning's best parameters.
        await using var store = await StoreFactory.OpenAsync(database);
        var runs = await store.ListRunsAsync("bike");
        Assert.Equal(6, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Finished, r.Status));
        var tuning = await store.GetRunAsync(runs.Single(r => r.Name == "TuningJob").Id);
        var training = await store.GetRunAsync(runs.Single(r => r.Name == "TrainingJob").Id);
        Assert.Equal(tuning.Parameters["best.learning_rate"], training.Parameters["model.learning_rate"]);
        Assert.Equal(tuning.Parameters["best.max_leaf_nodes"], training.Parameters["model.max_leaf_nodes"]);
    }

    [Fact]
    public void Demo_FolderWithoutConfigs_CopiesTheShippedOnesAndWritesItsStoreThere()
    {
        var empty = Path.Combine(_folder, "empty");
        Directory.CreateDirectory(empty);

        var result = CliProcess.RunIn(empty, ["demo"], new Dictionary<string, string?> { ["MODELOPS_DATABASE_URL"] = null });

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var shipped = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "demo"), "*", SearchOption.AllDirectories).Length;
        Assert.Contains($"copied the demo's configs and data ({shipped} files) into {empty}", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "configs", "bike", "training.yaml")), File.ReadAllText(Path.Combine(empty, "configs", "bike", "training.yaml")));
        Assert.True(File.Exists(Path.Combine(empty, "data", "README.md")));
        Assert.True(File.Exists(Path.Combine(empty, ".modelops", "modelops.db")));
        Assert.True(File.Exists(Path.Combine(empty, "outputs", "bike", "predictions.csv")));

        // A second run keeps the files it finds (a user's edited configs) and copies nothing.
        var again = CliProcess.RunIn(empty, ["demo"], new Dictionary<string, string?> { ["MODELOPS_DATABASE_URL"] = null });
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        Assert.DoesNotContain("copied the demo's configs", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("bike_demand version 2 @ Champion", again.Stdout, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using ModelOps.Core.Models;
using ModelOps.Store;
using ModelOps.Store.Tracking;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops models import xgboost</c> through the real process, on the committed XGBoost fixtures.</summary>
public sealed class ModelsImportCommandTests : IDisposable
{
    private const string Bike = "tests/fixtures/xgboost/bike_reg.json";
    private const string EarlyStopped = "tests/fixtures/xgboost/early_stopped.json";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-cli-" + Guid.NewGuid().ToString("N")[..12]);

    private string Database => Path.Combine(_folder, "modelops.db");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task ImportXGBoost_BikeFixture_RegistersVersionOneWithALoadableModel()
    {
        var (code, stdout, stderr) = CliProcess.Run("models", "import", "xgboost", Bike, "--name", "bike-xgb", "--database", Database);

        Assert.True(code == 0, stderr);
        Assert.Equal("Registered bike-xgb version 1 (XGBoost reg:squarederror, 50 trees, 12 features)", stdout.TrimEnd());
        var show = CliProcess.Run("models", "show", "bike-xgb", "--json", "--database", Database);
        Assert.True(show.ExitCode == 0, show.Stderr);
        using var json = JsonDocument.Parse(show.Stdout);
        Assert.Equal(1, json.RootElement.GetProperty("model").GetProperty("latestVersion").GetInt32());
        Assert.Equal([1], json.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        await using var store = await StoreFactory.OpenAsync(Database);
        var version = await store.GetVersionAsync("bike-xgb", 1);
        Assert.Equal(RunStatus.Finished, (await store.GetRunAsync(version.RunId!)).Info.Status);
        await using var artifact = await store.OpenArtifactAsync(version.RunId!, "model.json");
        var model = ModelFile.Load(artifact);
        Assert.Equal("XGBoostImported", model.Kind);
        Assert.Equal(12, model.FeatureNames.Count);
        Assert.StartsWith("""{"inputs":[{"name":"season","type":"float64"},""", version.Signature, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportXGBoost_TwiceWithJson_RegistersVersionTwo()
    {
        Assert.Equal(0, CliProcess.Run("models", "import", "xgboost", Bike, "--name", "bike-xgb", "--database", Database).ExitCode);

        var (code, stdout, stderr) = CliProcess.Run("models", "import", "xgboost", Bike, "--name", "bike-xgb", "--json", "--database", Database);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(2, json.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("reg:squarederror", json.RootElement.GetProperty("objective").GetString());
    }

    [Fact]
    public void ImportXGBoost_Ubjson_RegistersItLikeJson()
    {
        var (code, stdout, stderr) = CliProcess.Run("models", "import", "xgboost", "tests/fixtures/xgboost/bike_reg.ubj", "--name", "bike-ubj", "--database", Database);

        Assert.True(code == 0, stderr);
        Assert.Equal("Registered bike-ubj version 1 (XGBoost reg:squarederror, 50 trees, 12 features)", stdout.TrimEnd());
    }

    [Fact]
    public async Task ImportXGBoost_EarlyStopped_KeepsTheTreesUpToTheBestIterationAndRecordsIt()
    {
        var (code, stdout, stderr) = CliProcess.Run("models", "import", "xgboost", EarlyStopped, "--name", "credit-es", "--database", Database);

        Assert.True(code == 0, stderr);
        Assert.Equal("Registered credit-es version 1 (XGBoost binary:logistic, 11 of 21 trees, up to best iteration 10, 7 features)", stdout.TrimEnd());
        await using var store = await StoreFactory.OpenAsync(Database);
        var version = await store.GetVersionAsync("credit-es", 1);
        Assert.Equal("Imported from XGBoost 1.7.4 (early_stopped.json); the 11 trees up to best iteration 10 (of 21 in the file)", version.Description);
        Assert.Equal("11", version.Tags["trees_used"]);
        Assert.Equal("10", version.Tags["best_iteration"]);
        var run = await store.GetRunAsync(version.RunId!);
        Assert.Equal(("21", "11", "10"), (run.Parameters["trees_in_file"], run.Parameters["trees_used"], run.Parameters["best_iteration"]));
    }

    [Fact]
    public async Task ImportXGBoost_EarlyStoppedWithAllTrees_KeepsEveryTreeAndRecordsIt()
    {
        var (code, stdout, stderr) = CliProcess.Run("models", "import", "xgboost", EarlyStopped, "--name", "credit-es", "--all-trees", "--json", "--database", Database);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal((21, 21, 10), (json.RootElement.GetProperty("trees").GetInt32(), json.RootElement.GetProperty("treesInFile").GetInt32(), json.RootElement.GetProperty("bestIteration").GetInt32()));
        await using var store = await StoreFactory.OpenAsync(Database);
        var version = await store.GetVersionAsync("credit-es", 1);
        Assert.Equal("Imported from XGBoost 1.7.4 (early_stopped.json); all 21 trees (best iteration 10)", version.Description);
        Assert.Equal("21", version.Tags["trees_used"]);
        Assert.Equal("21", (await store.GetRunAsync(version.RunId!)).Parameters["trees_used"]);
    }

    [Theory]
    [InlineData("tests/fixtures/xgboost/bad_categorical.json", "error: tests/fixtures/xgboost/bad_categorical.json: tree 0 node 0 is a categorical split; supported: numeric splits.")]
    [InlineData("tests/fixtures/xgboost/bad_categorical.ubj", "error: tests/fixtures/xgboost/bad_categorical.ubj: tree 0 node 0 is a categorical split; supported: numeric splits.")]
    [InlineData("tests/fixtures/xgboost/bad_gblinear.json", "error: tests/fixtures/xgboost/bad_gblinear.json: booster 'gblinear' is not supported; supported: gbtree.")]
    [InlineData("tests/fixtures/xgboost/expected.json", "error: tests/fixtures/xgboost/expected.json: not an XGBoost model: it has no version, learner (it has the top-level keys xgboost_version, models); an XGBoost JSON model (Booster.save_model) has version and learner.gradient_booster, learner.objective, learner.learner_model_param.")]
    [InlineData("tests/fixtures/xgboost/none.json", "error: tests/fixtures/xgboost/none.json: file not found")]
    public void ImportXGBoost_BadFile_ExitsThreeWithItsMessage(string file, string message)
    {
        var (code, stdout, stderr) = CliProcess.Run("models", "import", "xgboost", file, "--name", "bad", "--database", Database);

        Assert.Equal(3, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(message, stderr.TrimEnd());
    }

    [Fact]
    public void ImportXGBoost_FeatureNameCountMismatch_ExitsThreeNamingBothCounts()
    {
        var (code, _, stderr) = CliProcess.Run("models", "import", "xgboost", Bike, "--name", "bike-xgb", "--feature-names", "a,b", "--database", Database);

        Assert.Equal(3, code);
        Assert.Equal($"error: {Bike}: 2 feature names were given but the model has 12 features (num_feature).", stderr.TrimEnd());
    }
}

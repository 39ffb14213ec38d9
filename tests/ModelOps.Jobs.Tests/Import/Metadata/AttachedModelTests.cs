using System.Text;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Jobs.Import.Metadata;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Tests.Import.Metadata;

/// <summary>Metadata saved together with its XGBoost model file: the version scores, and a file that does not match is refused before anything is written.</summary>
public sealed class AttachedModelTests : IAsyncLifetime
{
    private TempStore _temp = null!;

    private IModelStore Store => _temp.Store;

    public async Task InitializeAsync() => _temp = await TempStore.OpenAsync("modelops-attached-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private static AttachedModel XGBoost(string file) => new(file, File.ReadAllBytes(RepoPaths.Combine("tests", "fixtures", "xgboost", file)));

    private static MetadataProposal Proposal(string fixture) =>
        MetadataImport.Apply(MetadataFixtures.Source(fixture), fixture + ".json", MetadataFixtures.Spec(fixture));

    private static async Task<(MetadataProposal Proposal, byte[] Source)> ProposalAsync(string json)
    {
        var source = Encoding.UTF8.GetBytes(json);
        return (await MetadataImport.ProposeAsync(source, "metadata.json", llm: null), source);
    }

    private async Task AssertNothingWrittenAsync()
    {
        Assert.Empty(await Store.ListModelsAsync());
        Assert.DoesNotContain(await Store.ListExperimentsAsync(), e => e.Name == "imports");
    }

    [Fact]
    public async Task RegisterAsync_WithTheBikeModel_IsAnExternalVersionThatScoresAsXGBoostDid()
    {
        var proposal = Proposal(MetadataFixtures.MlflowRun);

        var result = await MetadataRegistration.RegisterAsync(Store, proposal, MetadataFixtures.Source(MetadataFixtures.MlflowRun), new MetadataSave("dana") { Model = XGBoost("bike_reg.json") });

        var version = await Store.GetVersionAsync("bike-hgb-2026-12-01", 1);
        Assert.True(RegisteredModels.IsExternal(version));
        Assert.False(RegisteredModels.IsMetadataOnly(version));
        Assert.Equal(("external", "xgboost", "bike_reg.json", "50", "0.9221", "mobility"), (version.Tags["kind"], version.Tags["model_file"], version.Tags["model_source"], version.Tags["trees_used"], version.Tags["r2"], version.Tags["team"]));
        Assert.Equal(
            "Hourly bike rentals (UCI Bike Sharing), histogram gradient boosting on calendar and weather columns; casual and registered left out (they sum to cnt). (Imported from XGBoost 1.7.4 (bike_reg.json); all 50 trees (best iteration 49))",
            version.Description);
        Assert.StartsWith("""{"inputs":[{"name":"season","type":"float64"},""", version.Signature, StringComparison.Ordinal);
        var run = await Store.GetRunAsync(version.RunId!);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Equal(("metadata+xgboost", "dana"), (run.Tags["format"], run.Tags["imported_by"]));
        Assert.Equal(("bike_reg.json", "reg:squarederror", "50"), (run.Parameters["model_source"], run.Parameters["objective"], run.Parameters["trees_used"]));
        Assert.Equal(
            ["import/spec.json", "metadata.json", "model.json", "source/mlflow_run.json", "source/model/bike_reg.json"],
            run.Artifacts.Select(a => a.Path).Order(StringComparer.Ordinal));
        Assert.Equal(run.Artifacts.Single(a => a.Path == "model.json").Uri, version.ArtifactUri);

        // The stored version predicts what XGBoost predicted for the fixture's rows (float32 outputs).
        var loaded = await Store.LoadAsync("bike-hgb-2026-12-01/1");
        using var expected = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("tests", "fixtures", "xgboost", "expected.json")));
        var bike = expected.RootElement.GetProperty("models").GetProperty("bike_reg");
        var names = bike.GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()!).ToArray();
        var rows = bike.GetProperty("rows").EnumerateArray().Take(50).Select(r => r.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray()).ToArray();
        var frame = new Frame([.. names.Select((name, j) => (Column)new Float64Column(name, [.. rows.Select(r => r[j])]))]);
        var predictions = loaded.Model.Predict(frame);
        var xgboost = bike.GetProperty("predictions").EnumerateArray().Take(50).Select(p => p.GetDouble()).ToArray();
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(xgboost[i], predictions[i], Math.Abs(xgboost[i]) * 1e-5 + 1e-4));
        Assert.Equal(names, result.Model!.FeatureNames);
    }

    [Fact]
    public async Task RegisterAsync_AFileWithoutFeatureNames_TakesTheMetadatasInItsOrder()
    {
        string[] credit = ["duration", "credit_amount", "installment_commitment", "residence_since", "age", "existing_credits", "num_dependents"];
        var (proposal, source) = await ProposalAsync($$"""{"model_name": "credit-xgb", "task": "binary_classification", "metrics": {"roc_auc": 0.78}, "input_features": [{{string.Join(", ", credit.Select(c => $"\"{c}\""))}}]}""");

        var result = await MetadataRegistration.RegisterAsync(Store, proposal, source, new MetadataSave("sam") { Model = XGBoost("credit_logistic.json") });

        Assert.Equal(credit, result.Model!.FeatureNames);
        var version = await Store.GetVersionAsync("credit-xgb", 1);
        Assert.StartsWith("""{"inputs":[{"name":"duration","type":"float64"},""", version.Signature, StringComparison.Ordinal);
        Assert.Equal("0.78", version.Tags["roc_auc"]);
    }

    public static TheoryData<string, string, string> Mismatches => new()
    {
        {
            MetadataFixtures.Seed, "bike_reg.json",
            "the features of bike_reg.json and of the metadata differ: the model has no feature checking_status, duration, credit_history, purpose, credit_amount, savings_status, age, housing; the metadata does not list season, yr, mnth, hr, holiday, weekday, workingday, weathersit and 4 more; nothing was saved"
        },
        {
            MetadataFixtures.Seed, "credit_logistic.json",
            "credit_logistic.json has 7 features without names but the metadata lists 8 (checking_status, duration, credit_history, purpose, credit_amount, savings_status, age, housing); list one feature per model input, in the model's order; nothing was saved"
        },
        {
            MetadataFixtures.MlflowRun, "expected.json",
            "the model file expected.json: not an XGBoost model: it has no version, learner (it has the top-level keys xgboost_version, models); an XGBoost JSON model (Booster.save_model) has version and learner.gradient_booster, learner.objective, learner.learner_model_param.; nothing was saved"
        },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task RegisterAsync_AModelThatDoesNotMatch_NamesWhatDiffersAndWritesNothing(string fixture, string file, string message)
    {
        var save = new MetadataSave("sam") { Model = XGBoost(file) };

        var error = await Assert.ThrowsAsync<MetadataImportException>(() => MetadataRegistration.RegisterAsync(Store, Proposal(fixture), MetadataFixtures.Source(fixture), save));

        Assert.Equal((MetadataImportErrorKind.AttachedModel, message), (error.Kind, error.Message));
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task RegisterAsync_ATaskThatIsNotTheModels_IsRefused()
    {
        var (proposal, source) = await ProposalAsync("""{"model_name": "churn", "task": "binary_classification", "metrics": {"roc_auc": 0.9}}""");

        var error = await Assert.ThrowsAsync<MetadataImportException>(() => MetadataRegistration.RegisterAsync(Store, proposal, source, new MetadataSave("sam") { Model = XGBoost("bike_reg.json") }));

        Assert.Equal("the metadata's task is binary_classification but bike_reg.json is an XGBoost reg:squarederror model (regression); nothing was saved", error.Message);
        await AssertNothingWrittenAsync();
    }
}

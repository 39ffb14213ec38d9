using System.Globalization;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;
using static ModelOps.Store.Tests.Infrastructure.SmallModels;

namespace ModelOps.Store.Tests.Registry;

public abstract class RegisteredModelsTests(IStoreBackend backend) : StoreTests(backend)
{
    private static readonly Lazy<Model> Fitted = new(() => Fit(5));

    [Fact]
    public async Task Register_FittedModel_StoresItsFileSignatureRunAndMetrics()
    {
        var run = await Store.StartRunAsync("training");

        var version = await Store.RegisterAsync(new ModelRegistration("rides", Fitted.Value, run.Id)
        {
            Description = "first",
            Metrics = new Dictionary<string, double> { ["rmse"] = 0.1 + 0.2 },
            Tags = new Dictionary<string, string> { ["team"] = "ops", ["rmse"] = "overwritten by the metric" },
        });

        Assert.Equal(("rides", 1, run.Id, "first"), (version.Model, version.Version, version.RunId, version.Description));
        Assert.Equal(ModelFile.SignatureJson(Fitted.Value), version.Signature);
        Assert.Equal(new Dictionary<string, string> { ["rmse"] = (0.1 + 0.2).ToString("R", CultureInfo.InvariantCulture), ["team"] = "ops" }, version.Tags);
        var artifact = Assert.Single((await Store.GetRunAsync(run.Id)).Artifacts);
        Assert.Equal((RegisteredModels.ArtifactPath, version.ArtifactUri), (artifact.Path, artifact.Uri));
        await using var stream = await Store.OpenArtifactAsync(run.Id, RegisteredModels.ArtifactPath);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(ModelFile.ToBytes(Fitted.Value), copy.ToArray());
    }

    [Fact]
    public async Task Register_UnfittedModel_IsRefusedAndNothingIsStored()
    {
        var run = await Store.StartRunAsync("training");
        var model = new Model([new PassthroughStep(["x"])], new DecisionTreeRegressorOptions());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterAsync(new ModelRegistration("rides", model, run.Id)));

        Assert.Equal("The DecisionTreeRegressor model is not fitted; only a fitted model can be registered. (Parameter 'registration')", error.Message);
        Assert.Empty(await Store.ListModelsAsync());
        Assert.Empty((await Store.GetRunAsync(run.Id)).Artifacts);
    }

    [Fact]
    public async Task Register_SecondModelFromTheSameRun_IsAConflictAndTheFirstVersionKeepsItsFile()
    {
        var run = await Store.StartRunAsync("training");
        await Store.RegisterAsync(new ModelRegistration("rides", Fit(2), run.Id));

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.RegisterAsync(new ModelRegistration("rides", Fit(4), run.Id)));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
        Assert.Equal($"run '{run.Id}' already holds a registered model file (model.json); register each version from a run of its own", error.Message);
        Assert.Single(await Store.ListVersionsAsync("rides"));
        var rows = Rows();
        Assert.Equal(Fit(2).Predict(rows), (await Store.LoadAsync("rides/1")).Model.Predict(rows));
    }

    [Theory]
    [InlineData("rides@Champion", 1)]
    [InlineData("rides/2", 2)]
    [InlineData("rides/latest", 3)]
    [InlineData("rides", 3)]
    public async Task Load_EveryReferenceForm_GivesThatVersionsModel(string reference, int expected)
    {
        var models = new[] { Fit(2), Fit(3), Fit(4) };
        foreach (var model in models)
        {
            var run = await Store.StartRunAsync("training");
            await Store.RegisterAsync(new ModelRegistration("rides", model, run.Id));
        }

        await Store.SetAliasAsync("rides", "Champion", 1);

        var loaded = await Store.LoadAsync(reference);

        Assert.Equal(("rides", expected), (loaded.Version.Model, loaded.Version.Version));
        var rows = Rows();
        Assert.Equal(models[expected - 1].Predict(rows), loaded.Model.Predict(rows));
    }

    [Fact]
    public async Task Load_Explainer_PreparedOnFirstUseAndKept()
    {
        var run = await Store.StartRunAsync("training");
        await Store.RegisterAsync(new ModelRegistration("rides", Fitted.Value, run.Id));

        var loaded = await Store.LoadAsync("rides/1");

        Assert.False(loaded.IsExplainerPrepared);
        var explainer = loaded.Explainer;
        Assert.True(loaded.IsExplainerPrepared);
        Assert.Same(explainer, loaded.Explainer);
        Assert.Equal(["x", "z"], explainer.Names);
    }

    [Fact]
    public async Task Load_UnknownModel_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.LoadAsync("nothing@Champion"));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Load_MalformedReference_IsInvalidWithTheForms()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.LoadAsync("rides@"));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal("'rides@' is not a model reference; write name@alias, name/version, name/latest or name", error.Message);
    }

    [Fact]
    public async Task Load_ArtifactThatIsNotAModel_IsAModelFormatError()
    {
        var run = await Store.StartRunAsync("training");
        var artifact = await Store.LogArtifactAsync(run.Id, "model.json", new MemoryStream("{\"format\": 7}"u8.ToArray()));
        await Store.RegisterVersionAsync(new NewModelVersion("rides", artifact.Uri) { RunId = run.Id });

        await Assert.ThrowsAsync<ModelFormatException>(() => Store.LoadAsync("rides"));
    }

    [Fact]
    public async Task RegisterExternal_KeepsTheMetadataAsItsArtifactWithMetricsAndKind_AndCannotBeLoaded()
    {
        var run = await Store.StartRunAsync("imports");
        var metadata = "{\"name\": \"churn\"}"u8.ToArray();

        var version = await Store.RegisterExternalAsync(
            "churn", run.Id, metadata, signature: null, "imported from sagemaker.json",
            new Dictionary<string, double> { ["roc_auc"] = 0.91 }, new Dictionary<string, string> { ["source"] = "sagemaker.json", ["kind"] = "native" });

        Assert.Equal(("churn", 1, run.Id, "imported from sagemaker.json"), (version.Model, version.Version, version.RunId, version.Description));
        Assert.Equal(new Dictionary<string, string> { ["roc_auc"] = "0.91", ["source"] = "sagemaker.json", ["kind"] = "external" }, version.Tags);
        Assert.True(RegisteredModels.IsExternal(version));
        var artifact = Assert.Single((await Store.GetRunAsync(run.Id)).Artifacts);
        Assert.Equal((RegisteredModels.MetadataArtifactPath, version.ArtifactUri), (artifact.Path, artifact.Uri));
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.LoadAsync("churn/1"));
        Assert.Equal((StoreErrorKind.Invalid, "model 'churn' version 1 is external (its metadata was imported, without a model file), so it cannot score; import the metadata again with its XGBoost model (modelops models import metadata FILE --xgboost MODEL) to serve it"), (error.Kind, error.Message));
        var again = await Assert.ThrowsAsync<StoreException>(() => Store.RegisterExternalAsync("churn", run.Id, metadata, null, null, new Dictionary<string, double>(), new Dictionary<string, string>()));
        Assert.Equal(StoreErrorKind.Conflict, again.Kind);
    }
}

public sealed class SqliteRegisteredModelsTests() : RegisteredModelsTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresRegisteredModelsTests(PostgresServer server) : RegisteredModelsTests(new PostgresBackend(server));

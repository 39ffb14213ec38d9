using System.Globalization;
using System.Text;
using ModelOps.Core.Data;
using ModelOps.Core.Learners.Trees;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Services;
using ModelOps.Store;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Registry;

namespace ModelOps.Jobs.Tests.Jobs;

/// <summary>
/// <c>FineTuningJob</c> on a real SQLite store: a bike model trained on the first hours, continued or refitted on all of
/// them or on a group's decision log (its labelled predictions, through <c>GroupLogReader</c>).
/// </summary>
public sealed class FineTuningJobTests : IDisposable
{
    private static readonly string Bike = RepoPaths.Combine("data", "bike_sharing", "hour.csv");
    private static readonly string[] Columns = ["season", "weathersit", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed"];
    private readonly string _folder = Directory.CreateTempSubdirectory("modelops-finetune-").FullName;
    private readonly StringWriter _console = new();

    private string Database => Path.Combine(_folder, "modelops.db");

    public void Dispose()
    {
        _console.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    // The base: 20 boosting rounds on the first 8,000 hours (the first year, mostly).
    private async Task TrainBaseAsync() => await RunAsync($$"""
        job:
          KIND: TrainingJob
          inputs: {KIND: CsvReader, path: '{{Bike}}', limit: 8000}
          target: cnt
          features:
            - {KIND: OneHot, columns: [season, weathersit]}
            - {KIND: Passthrough, columns: [yr, mnth, hr, holiday, weekday, workingday, temp, atemp, hum, windspeed]}
          model: {KIND: GradientBoostingRegressor, max_iter: 20}
          model_name: bike
        """);

    [Fact]
    public async Task Continue_AddsTreesToTheBase_ScoresBothOnOneHoldout_AndRecordsTheLineage()
    {
        await TrainBaseAsync();

        var result = (FineTuningResult)await RunAsync($$"""
            job:
              KIND: FineTuningJob
              base_model: bike/1
              inputs: {KIND: CsvReader, path: '{{Bike}}'}
              target: cnt
              parameters: {max_iter: 15, learning_rate: 0.05}
            """);

        Assert.Equal(("bike", 2, "bike", 1, FineTuningMode.Continue, 13903, 3476), (result.ModelName, result.Version, result.BaseModel, result.BaseVersion, result.Mode, result.TrainRows, result.TestRows));
        Assert.True(result.Metrics["rmse"] < result.BaseMetrics["rmse"], $"rmse {result.Metrics["rmse"]} not below the base's {result.BaseMetrics["rmse"]}");
        await using var store = await StoreFactory.OpenAsync(Database);
        var (baseVersion, baseModel) = await store.LoadAsync("bike/1");
        var (version, tuned) = await store.LoadAsync("bike/2");
        Assert.Equal(("bike", "1", "continue"), (version.Tags["base_model"], version.Tags["base_version"], version.Tags["fine_tuning"]));
        Assert.Equal("bike v1 fine-tuned (continue) on 13903 rows", version.Description);

        // The new version's raw output is the base's plus its 15 new trees', on every row.
        var before = (TreeEnsemble)baseModel.Predictor!;
        var after = (TreeEnsemble)tuned.Predictor!;
        Assert.Equal(35, after.Trees.Count);
        var features = tuned.Pipeline!.Transform(Dataset.ReadCsv(Bike).Head(500));
        for (var i = 0; i < features.Rows; i++)
        {
            var row = features.Row(i).ToArray();
            Assert.Equal(before.PredictRaw(row) + after.Trees.Skip(20).Sum(t => t.Predict(row)), after.PredictRaw(row), 1e-9);
        }

        var run = await store.GetRunAsync(result.RunId);
        Assert.Equal(("1", "continue", "15", "0.05"), (run.Parameters["base_version"], run.Parameters["mode"], run.Parameters["model.max_iter"], run.Parameters["model.learning_rate"]));
        Assert.Equal(result.BaseMetrics["rmse"], run.Metrics.Single(m => m.Key == "base_rmse").Value);
        Assert.Equal(result.Metrics["rmse"], run.Metrics.Single(m => m.Key == "rmse").Value);
        Assert.Equal((baseVersion.Version.ToString(CultureInfo.InvariantCulture), "bike"), (run.Tags["base_version"], run.Tags["model"]));
        Assert.Equal(17379, Assert.Single(run.Datasets).RowCount);
        Assert.Contains(run.Artifacts, a => a.Path == "importances.json");
    }

    [Fact]
    public async Task Refit_FitsTheBasesPipelineAndLearnerAfresh()
    {
        await TrainBaseAsync();

        var result = (FineTuningResult)await RunAsync($$"""
            job:
              KIND: FineTuningJob
              base_model: bike
              mode: refit
              inputs: {KIND: CsvReader, path: '{{Bike}}'}
              target: cnt
              model_name: bike_refit
            """);

        await using var store = await StoreFactory.OpenAsync(Database);
        var (version, model) = await store.LoadAsync("bike_refit/1");
        Assert.Equal((20, "refit", "bike"), (((TreeEnsemble)model.Predictor!).Trees.Count, version.Tags["fine_tuning"], version.Tags["base_model"]));
        Assert.Equal(FineTuningMode.Refit, result.Mode);
    }

    [Fact]
    public async Task GroupsLabelledPredictions_TrainAVersionThatJoinsTheGroupAsAShadow()
    {
        await TrainBaseAsync();
        await using (var store = await StoreFactory.OpenAsync(Database))
        {
            await store.Groups.CreateGroupAsync(new NewModelGroup("bikes", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "ana");
            await LogPredictionsAsync(store, "bikes", rows: 400, labelled: 300);
        }

        var result = (FineTuningResult)await RunAsync("""
            job:
              KIND: FineTuningJob
              base_model: bike/1
              inputs: {KIND: GroupLogReader, group: bikes}
              target: label
              parameters: {max_iter: 10}
              splitter: {KIND: TrainTestSplit, test_size: 0.25}
              group: {name: bikes, role: shadow}
            """);

        Assert.Equal((225, 75, "bikes"), (result.TrainRows, result.TestRows, result.Group));
        await using var check = await StoreFactory.OpenAsync(Database);
        var group = await check.Groups.GetGroupAsync("bikes");
        Assert.Equal([new GroupMember("bike", 1, GroupRole.Champion, 100), new GroupMember("bike", 2, GroupRole.Shadow, 0)], group.Members);
        var run = await check.GetRunAsync(result.RunId);
        var data = Assert.Single(run.Datasets);
        Assert.Equal(("modelops-group:bikes", 300L), (data.SourceUri, data.RowCount));
        Assert.Equal("1", (await check.GetVersionAsync("bike", 2)).Tags["base_version"]);
        Assert.Contains($"FineTuningJob run {result.RunId}", (await check.Groups.GetGroupAuditAsync("bikes"))[^1].Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsAChallenger_TakesItsWeightFromTheChampion()
    {
        await TrainBaseAsync();
        await using (var store = await StoreFactory.OpenAsync(Database))
        {
            await store.Groups.CreateGroupAsync(new NewModelGroup("bikes", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "ana");
        }

        await RunAsync($$"""
            job:
              KIND: FineTuningJob
              base_model: bike/1
              inputs: {KIND: CsvReader, path: '{{Bike}}', limit: 3000}
              target: cnt
              parameters: {max_iter: 5}
              group: {name: bikes, role: challenger, weight: 15}
            """);

        await using var check = await StoreFactory.OpenAsync(Database);
        Assert.Equal([new GroupMember("bike", 1, GroupRole.Champion, 85), new GroupMember("bike", 2, GroupRole.Challenger, 15)], (await check.Groups.GetGroupAsync("bikes")).Members);
    }

    [Fact]
    public async Task Refusals_NameWhatIsWrong()
    {
        await TrainBaseAsync();
        await using (var store = await StoreFactory.OpenAsync(Database))
        {
            await store.Groups.CreateGroupAsync(new NewModelGroup("empty", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "ana");
        }

        var parameter = await Assert.ThrowsAsync<ConfigException>(() => RunAsync($$"""
            job: {KIND: FineTuningJob, base_model: bike/1, inputs: {KIND: CsvReader, path: '{{Bike}}', limit: 100}, target: cnt, parameters: {max_iterz: 5} }
            """));
        var columns = await Assert.ThrowsAsync<DatasetException>(() => RunAsync($$"""
            job: {KIND: FineTuningJob, base_model: bike/1, inputs: {KIND: CsvReader, path: '{{Bike}}', columns: [hr, temp, cnt], limit: 100}, target: cnt }
            """));
        var noLabels = await Assert.ThrowsAsync<DatasetException>(() => RunAsync("""
            job: {KIND: FineTuningJob, base_model: bike/1, inputs: {KIND: GroupLogReader, group: empty}, target: label}
            """));
        var badWindow = await Assert.ThrowsAsync<ConfigException>(() => RunAsync("""
            job: {KIND: FineTuningJob, base_model: bike/1, inputs: {KIND: GroupLogReader, group: empty, from: yesterday, roles: [boss]}, target: label}
            """));

        Assert.StartsWith("config: job.parameters.max_iterz: GradientBoostingRegressor: ", parameter.Message, StringComparison.Ordinal);
        Assert.Equal("inputs: the base model bike version 1 reads season, weathersit, yr, mnth, holiday, weekday, workingday, atemp, hum, windspeed, which the inputs lack", columns.Message);
        Assert.Equal("modelops-group:empty: no labelled rows; labels arrive through feedback (POST /api/groups/empty/feedback)", noLabels.Message);
        Assert.Contains("from: 'yesterday' is not an ISO 8601 time (2026-12-01 or 2026-12-01T08:00:00Z)", badWindow.Message, StringComparison.Ordinal);
        Assert.Contains("roles: 'boss' is not a role (champion, challenger, shadow)", badWindow.Message, StringComparison.Ordinal);
    }

    // Logs the first bike hours as predictions of bike v1 (one record per request), a shadow row for each, and labels the first ones.
    private static async Task LogPredictionsAsync(IModelStore store, string group, int rows, int labelled)
    {
        var data = Dataset.ReadCsv(Bike).Head(rows);
        using var json = new MemoryStream();
        Dataset.WriteJsonLines(json, data.Select(Columns));
        var lines = Encoding.UTF8.GetString(json.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var counts = (Int64Column)data["cnt"];
        var records = new List<InferenceRecord>();
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < rows; i++)
        {
            records.Add(new InferenceRecord(group, $"r{i}", 0, start.AddMinutes(i), "bike", 1, GroupRole.Champion, null, lines[i], 100, null, null, 1, null));
            records.Add(new InferenceRecord(group, $"r{i}", 0, start.AddMinutes(i), "bike", 1, GroupRole.Shadow, null, lines[i], 101, null, null, 1, null));
        }

        await store.InferenceLog.AppendInferencesAsync(records);
        for (var i = 0; i < labelled; i++)
        {
            await store.InferenceLog.SetLabelAsync(group, $"r{i}", 0, counts[i]);
        }
    }

    private async Task<JobResult> RunAsync(string yaml)
    {
        var document = new ConfigLoader().Merge([new ConfigSource("job.yaml", yaml)]);
        var job = new ConfigBinder(JobKinds.Create()).Bind<JobConfig>(document).Job;
        return await JobRunner.RunAsync(job, new JobRunOptions { Services = new JobServicesOptions { DatabaseOverride = Database, Console = _console } });
    }
}

using System.Globalization;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Services;
using ModelOps.Store;
using ModelOps.Store.Groups;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Tests.Jobs;

/// <summary>
/// Each job on the shipped data, bound from YAML and run by <see cref="JobRunner"/> on a real SQLite
/// store in a scratch folder; results are checked against what the store, the files and an
/// independent recomputation say.
/// </summary>
public sealed class JobsTests : IDisposable
{
    private static readonly string Bike = RepoPaths.Combine("data", "bike_sharing", "hour.csv");
    private static readonly string Credit = RepoPaths.Combine("data", "german_credit", "german_credit.csv");
    private static readonly string Schemas = RepoPaths.Combine("configs", "schemas");

    private readonly string _folder = Directory.CreateTempSubdirectory("modelops-jobs-").FullName;
    private readonly StringWriter _console = new();

    private string Database => Path.Combine(_folder, "modelops.db");

    private string BikeLabelled => $$"""
          inputs: {KIND: CsvReader, path: '{{Bike}}', schema: '{{Schemas}}/bike_inputs.yaml'}
          targets: {KIND: CsvReader, path: '{{Bike}}', columns: [cnt], schema: '{{Schemas}}/bike_target.yaml'}
          target: cnt
        """;

    private string BikeData => BikeLabelled + """

          features:
            - {KIND: OneHot, columns: [season, weathersit]}
            - {KIND: Passthrough, columns: [yr, mnth, hr, holiday, weekday, workingday, temp, atemp, hum, windspeed]}
        """;

    public void Dispose()
    {
        _console.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Tuning_ScoresEveryCandidateAndLogsEachTrial()
    {
        var result = (TuningResult)await RunAsync($$"""
            job:
              KIND: TuningJob
            {{BikeData}}
              model: {KIND: GradientBoostingRegressor, max_iter: 15}
              splitter: {KIND: TimeSeriesSplit, n_splits: 3}
              searcher: {KIND: GridSearch, grid: [{name: learning_rate, values: [0.1, 0.3]}, {name: max_depth, values: [2, 4]}]}
            """);

        Assert.Equal("rmse", result.Metric);
        Assert.Equal(4, result.Trials);
        await using var store = await StoreFactory.OpenAsync(Database);
        var run = await store.GetRunAsync(result.RunId);
        var scores = await store.GetMetricHistoryAsync(result.RunId, "trial_score");
        Assert.Equal([0L, 1, 2, 3], scores.Select(s => s.Step).Order().ToArray());
        Assert.Equal(scores.Min(s => s.Value), result.BestScore);
        Assert.Equal(result.BestScore, run.Metrics.Single(m => m.Key == "best_rmse").Value);
        Assert.Equal(result.BestParameters["learning_rate"], run.Parameters["best.learning_rate"]);
        Assert.Equal("learning_rate=0.1, max_depth=2", run.Parameters["trial.0"]);
        Assert.Equal(["inputs", "targets"], run.Datasets.Select(d => d.Name).ToArray());
        Assert.Equal(17379, run.Datasets[0].RowCount);
        using var trials = new StreamReader(await store.OpenArtifactAsync(result.RunId, "trials.csv"));
        var lines = (await trials.ReadToEndAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("candidate,rank,mean_score,std_score,mean_fit_seconds,parameters", lines[0]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public async Task Training_RegistersAVersionWhoseLoggedMetricsMatchARecomputation()
    {
        var result = (TrainingResult)await RunAsync($$"""
            job:
              KIND: TrainingJob
            {{BikeData}}
              model: {KIND: GradientBoostingRegressor, max_iter: 30}
              model_name: bike_demand
            """);

        Assert.Equal(("bike_demand", 1, 13903, 3476), (result.ModelName, result.Version, result.TrainRows, result.TestRows));
        Assert.Equal(["mae", "r2", "rmse"], result.Metrics.Keys.ToArray());
        await using var store = await StoreFactory.OpenAsync(Database);
        var version = await store.GetVersionAsync("bike_demand", 1);
        Assert.Equal(result.RunId, version.RunId);
        Assert.Contains("\"cnt\"", version.Signature, StringComparison.Ordinal);
        var run = await store.GetRunAsync(result.RunId);
        Assert.Equal(result.Metrics["rmse"], run.Metrics.Single(m => m.Key == "rmse").Value);
        Assert.Equal("30", run.Parameters["model.max_iter"]);

        // Recompute: load the registered file, score the last 20% of the rows.
        Model model;
        await using (var stream = await store.Artifacts.OpenAsync(version.ArtifactUri))
        {
            model = ModelFile.Load(stream);
        }

        var data = Dataset.ReadCsv(Bike);
        var test = data.Take([.. Enumerable.Range(13903, 3476)]);
        var actual = test.Get<Int64Column>("cnt").Values.ToArray().Select(v => (double)v).ToArray();
        Assert.Equal(MetricCatalog.Get("rmse").Score(actual, model.Predict(test)), result.Metrics["rmse"]);
    }

    [Fact]
    public async Task Training_LogsImportancesOfItsTestRowsAndLinksItsTuningRun()
    {
        var tuning = await RunAsync($$"""
            job:
              KIND: TuningJob
            {{BikeData}}
              model: {KIND: GradientBoostingRegressor, max_iter: 5}
              splitter: {KIND: KFold, n_splits: 2}
              searcher: {KIND: GridSearch, grid: [{name: max_depth, values: [2, 3]}]}
            """);

        var result = (TrainingResult)await RunAsync($$"""
            job:
              KIND: TrainingJob
            {{BikeData}}
              model: {KIND: GradientBoostingRegressor, max_iter: 10}
              model_name: bike_demand
              tuning_run: '{{tuning.RunId}}'
            """);

        await using var store = await StoreFactory.OpenAsync(Database);
        var run = await store.GetRunAsync(result.RunId);
        Assert.Equal(tuning.RunId, run.Tags["tuning_run"]);
        FeatureImportanceFile importances;
        await using (var stream = await store.OpenArtifactAsync(result.RunId, FeatureImportanceFile.ArtifactPath))
        {
            importances = await FeatureImportanceFile.ReadAsync(stream);
        }

        // The first 1000 test rows, explained again from the registered model, give the same mean |SHAP|.
        Model model;
        await using (var stream = await store.Artifacts.OpenAsync((await store.GetVersionAsync("bike_demand", 1)).ArtifactUri))
        {
            model = ModelFile.Load(stream);
        }

        var sample = Dataset.ReadCsv(Bike).Take([.. Enumerable.Range(13903, 1000)]);
        var expected = FeatureImportances.Compute(model, sample);
        Assert.Equal(1000, importances.SampleRows);
        Assert.Equal(expected.Select(i => (i.Feature, i.Kind)), importances.Importances.Select(i => (i.Feature, i.Kind)));
        Assert.Equal(expected.Select(i => i.Importance), importances.Importances.Select(i => i.Importance));
        Assert.Equal(["mean_abs_shap", "gain", "split_count"], importances.Importances.Select(i => i.Kind).Distinct());
    }

    [Fact]
    public async Task Training_TuningRunOfAnotherJob_IsAConfigErrorNamingIt()
    {
        var promotion = await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand}", promote: false).ContinueWith(t => t.Exception);
        await using var store = await StoreFactory.OpenAsync(Database);
        var other = (await store.ListRunsAsync(StoreDefaults.Experiment)).Single().Id;

        var error = await Assert.ThrowsAsync<ConfigException>(() => RunAsync($$"""
            job:
              KIND: TrainingJob
            {{BikeData}}
              model: {KIND: GradientBoostingRegressor, max_iter: 5}
              model_name: bike_demand
              tuning_run: '{{other}}'
            """));

        Assert.Equal($"config: job.tuning_run: run '{other}' is a PromotionJob run, not a TuningJob run", error.Message);
        Assert.NotNull(promotion);
    }

    [Fact]
    public async Task Promotion_PointsTheAliasAtTheLatestVersionAndKeepsHistory()
    {
        await TrainSmallBikeAsync();
        await TrainSmallBikeAsync();
        var first = (PromotionResult)await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand, version: 1}");
        var second = (PromotionResult)await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand, reason: better}");

        Assert.Equal("bike_demand version 1 @ Champion (new alias)", first.Summary);
        Assert.Equal("bike_demand version 2 @ Champion (was version 1)", second.Summary);
        await using var store = await StoreFactory.OpenAsync(Database);
        var history = await store.GetAliasHistoryAsync("bike_demand", "Champion");
        Assert.Equal([(null, 1), (1, 2)], history.Select(h => (h.FromVersion, h.ToVersion ?? 0)).ToArray());
        Assert.Equal("better", history[1].Reason);
    }

    [Fact]
    public async Task Inference_WritesPredictionsAndShapThatAddUpToThePrediction()
    {
        await TrainSmallBikeAsync();
        var output = Path.Combine(_folder, "out", "predictions.csv");
        var result = (InferenceResult)await RunAsync($$"""
            job:
              KIND: InferenceJob
              model: bike_demand
              inputs: {KIND: CsvReader, path: '{{Bike}}', limit: 500}
              outputs: {KIND: CsvWriter, path: '{{output}}'}
              keep_columns: [instant]
              explain: true
            """);

        Assert.Equal((500, 15), (result.Rows, result.Columns));
        var frame = Dataset.ReadCsv(output);
        Assert.Equal(
            ["instant", "prediction", "shap_season", "shap_weathersit", "shap_yr", "shap_mnth", "shap_hr", "shap_holiday", "shap_weekday", "shap_workingday", "shap_temp", "shap_atemp", "shap_hum", "shap_windspeed", "shap_base_value"],
            frame.ColumnNames);
        var shapColumns = frame.ColumnNames.Where(n => n.StartsWith("shap_", StringComparison.Ordinal)).ToArray();
        for (var row = 0; row < frame.RowCount; row++)
        {
            // CSV infers each column's type: an all-zero SHAP column reads back as integers.
            var total = shapColumns.Sum(c => frame[c] is Int64Column whole ? whole[row] : frame.Get<Float64Column>(c)[row]);
            Assert.Equal(frame.Get<Float64Column>("prediction")[row], total, 1e-6);
        }
    }

    [Fact]
    public async Task Inference_Classifier_WritesLabelAndProbability()
    {
        await RunAsync($$"""
            job:
              KIND: TrainingJob
              inputs: {KIND: CsvReader, path: '{{Credit}}'}
              target: default
              features: [{KIND: OneHot, columns: [checking_status, purpose]}, {KIND: StandardScale, columns: [duration, credit_amount, age]}]
              model: {KIND: LogisticRegression}
              splitter: {KIND: StratifiedKFold, n_splits: 5}
              model_name: credit_risk
            """);
        var output = Path.Combine(_folder, "credit.jsonl");
        var result = (InferenceResult)await RunAsync($$"""
            job: {KIND: InferenceJob, model: credit_risk/1, inputs: {KIND: CsvReader, path: '{{Credit}}'}, outputs: {KIND: JsonLinesWriter, path: '{{output}}'} }
            """);

        Assert.Equal((1000, 2), (result.Rows, result.Columns));
        var frame = Dataset.ReadJsonLines(output);
        var labels = frame.Get<Int64Column>("prediction");
        var probabilities = frame.Get<Float64Column>("probability");
        for (var i = 0; i < frame.RowCount; i++)
        {
            Assert.InRange(probabilities[i], 0, 1);
            Assert.Equal(probabilities[i] >= 0.5 ? 1L : 0L, labels[i]);
        }
    }

    [Fact]
    public async Task Evaluations_PassingThresholds_ReturnsEveryValue()
    {
        await TrainSmallBikeAsync();
        var output = Path.Combine(_folder, "evaluations.csv");
        var result = (EvaluationsResult)await RunAsync($$"""
            job:
              KIND: EvaluationsJob
              model: bike_demand@Champion
            {{BikeLabelled}}
              metrics: [{KIND: RootMeanSquaredError, threshold: 1000}, {KIND: R2, threshold: 0.1}, {KIND: MeanAbsoluteError}]
              outputs: {KIND: CsvWriter, path: '{{output}}'}
            """, promote: true);

        Assert.Equal(["rmse", "r2", "mae"], result.Outcomes.Select(o => o.Metric).ToArray());
        Assert.All(result.Outcomes, o => Assert.True(o.Passed));
        Assert.Equal("metric,value,threshold,passed", File.ReadLines(output).First());
        Assert.Equal(4, File.ReadLines(output).Count());
    }

    [Fact]
    public async Task Evaluations_MissedThreshold_FailsTheJobAndTheRun()
    {
        await TrainSmallBikeAsync();
        var error = await Assert.ThrowsAsync<EvaluationFailedException>(() => RunAsync($$"""
            job:
              KIND: EvaluationsJob
              model: bike_demand/1
              inputs: {KIND: CsvReader, path: '{{Bike}}', limit: 2000}
              target: cnt
              metrics: [{KIND: R2, threshold: 0.999}, {KIND: MaxError, threshold: 100000}]
            """));

        var r2 = error.Result.Outcomes[0].Value;
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"evaluation of bike_demand version 1 failed: r2 = {r2:G6}, must be >= 0.999"), error.Message);
        Assert.True(error.Result.Outcomes[1].Passed);
        await using var store = await StoreFactory.OpenAsync(Database);
        var runs = await store.ListRunsAsync(StoreDefaults.Experiment);
        Assert.Equal(RunStatus.Failed, runs.Single(r => r.Name == "EvaluationsJob").Status);
        Assert.Contains("[alert] EvaluationsJob failed: evaluation of bike_demand version 1 failed", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluations_MetricOfTheOtherTask_IsAConfigError()
    {
        await TrainSmallBikeAsync();
        var error = await Assert.ThrowsAsync<ConfigException>(() => RunAsync($$"""
            job: {KIND: EvaluationsJob, model: bike_demand, inputs: {KIND: CsvReader, path: '{{Bike}}'}, target: cnt, metrics: [{KIND: RocAuc}]}
            """));
        Assert.Equal("config: job.metrics[0]: roc_auc is a classification metric, but bike_demand version 1 (GradientBoostingRegressor) does regression", error.Message);
    }

    [Fact]
    public async Task Explanations_WritesImportancesAndOneShapColumnPerInput()
    {
        await TrainSmallBikeAsync();
        var models = Path.Combine(_folder, "models.csv");
        var samples = Path.Combine(_folder, "samples.jsonl");
        var result = (ExplanationsResult)await RunAsync($$"""
            job:
              KIND: ExplanationsJob
              model: bike_demand
              inputs: {KIND: CsvReader, path: '{{Bike}}', limit: 200}
              models_explanations: {KIND: CsvWriter, path: '{{models}}'}
              samples_explanations: {KIND: JsonLinesWriter, path: '{{samples}}'}
            """);

        Assert.Equal((200, 12), (result.Samples, result.Features));
        var importances = Dataset.ReadCsv(models);
        Assert.Equal(["feature", "importance", "kind"], importances.ColumnNames);
        Assert.Contains("mean_abs_shap", importances.Get<StringColumn>("kind").Categories);
        var shap = Dataset.ReadJsonLines(samples);
        Assert.Equal(["season", "weathersit", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed", "base_value"], shap.ColumnNames);
        Assert.Equal(200, shap.RowCount);
        Assert.Contains(result.TopFeatures[0], shap.ColumnNames);
    }

    [Fact]
    public async Task FailingJob_EndsItsRunFailedAndStillStopsTheServices()
    {
        await TrainSmallBikeAsync();
        var missing = Path.Combine(_folder, "missing.csv");
        var error = await Assert.ThrowsAsync<DatasetException>(() => RunAsync($$"""
            job: {KIND: InferenceJob, model: bike_demand, inputs: {KIND: CsvReader, path: '{{missing}}'}, outputs: {KIND: CsvWriter, path: '{{_folder}}/x.csv'} }
            """));
        Assert.Equal($"{missing}: file not found", error.Message);
        Assert.False(File.Exists(Path.Combine(_folder, "x.csv")));

        // The store was closed by the services' stop, and the run is marked failed.
        await using var store = await StoreFactory.OpenAsync(Database);
        var runs = await store.ListRunsAsync(StoreDefaults.Experiment);
        Assert.Equal(RunStatus.Failed, runs.Single(r => r.Name == "InferenceJob").Status);
    }

    [Fact]
    public async Task Tuning_FeatureColumnMissingFromTheData_IsADataErrorNamingColumnAndConfigPath()
    {
        var error = await Assert.ThrowsAsync<DatasetException>(() => RunAsync($$"""
            job:
              KIND: TuningJob
            {{BikeLabelled}}
              features:
                - {KIND: OneHot, columns: [season]}
                - {KIND: Passthrough, columns: [hr, tmp]}
              model: {KIND: GradientBoostingRegressor, max_iter: 5}
              splitter: {KIND: TimeSeriesSplit, n_splits: 2}
              searcher: {KIND: GridSearch, grid: [{name: learning_rate, values: [0.1, 0.3]}]}
            """));

        Assert.Equal("inputs: feature column 'tmp' (job.features[1].columns[1]) not found, did you mean temp?", error.Message);
        Assert.Equal(JobErrorKind.Data, JobErrors.KindOf(error));
        await using var store = await StoreFactory.OpenAsync(Database);
        var run = Assert.Single(await store.ListRunsAsync(StoreDefaults.Experiment));
        Assert.Equal((RunStatus.Failed, new RunError("data", error.Message)), (run.Status, run.Error));
        Assert.Empty((await store.GetRunAsync(run.Id)).Metrics);
    }

    [Fact]
    public async Task Training_FeatureColumnsMissingOrTheTarget_ListsEachWithItsConfigPath()
    {
        var error = await Assert.ThrowsAsync<DatasetException>(() => RunAsync($$"""
            job:
              KIND: TrainingJob
            {{BikeLabelled}}
              features: [{KIND: Passthrough, columns: [hr, windspeeed, cnt]}]
              model: {KIND: GradientBoostingRegressor, max_iter: 5}
              model_name: bike_demand
            """));

        Assert.Equal(
            "inputs: 2 feature columns are missing:\n"
            + "  - feature column 'windspeeed' (job.features[0].columns[1]) not found, did you mean windspeed?\n"
            + "  - feature column 'cnt' (job.features[0].columns[2]) is the target column; a model cannot take its target as a feature",
            error.Message);
    }

    [Fact]
    public async Task Training_BadTargetValues_NamesTheirFileLinesBeforeSplitting()
    {
        // Rows 7 and 9 (0-based) would be rows 0 and 2 of the 20 % test part; the message names the file's lines.
        var data = Path.Combine(_folder, "labelled.csv");
        File.WriteAllLines(data, ["x,label", .. Enumerable.Range(0, 10).Select(i => i switch { 7 => "7,2", 9 => "9,-1", _ => $"{i},{i % 2}" })]);

        var error = await Assert.ThrowsAsync<TrainingDataException>(() => RunAsync($$"""
            job:
              KIND: TrainingJob
              inputs: {KIND: CsvReader, path: '{{data}}'}
              target: label
              features: [{KIND: Passthrough, columns: [x]}]
              model: {KIND: GradientBoostingClassifier, max_iter: 5}
              model_name: labels
            """));

        Assert.Equal(
            $"inputs ({data}): The target 'label' has 2 rows that are not 0 or 1: line 9 = 2, line 11 = -1; binary classification needs 0/1 labels.",
            error.Message);
    }

    [Fact]
    public async Task FailingJob_AlertAndRunCarryTheRunIdAndTheError()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => RunAsync("job: {KIND: PromotionJob, model_name: nothing_here}"));

        await using var store = await StoreFactory.OpenAsync(Database);
        var run = Assert.Single(await store.ListRunsAsync(StoreDefaults.Experiment));
        Assert.Equal(new RunError("not_found", error.Message), (await store.GetRunAsync(run.Id)).Info.Error);
        Assert.Contains($"[alert] PromotionJob failed: {error.Message} (run {run.Id})", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promotion_ThroughGroup_MovesGroupChampionAndAliasTogether()
    {
        await TrainSmallBikeAsync();
        await TrainSmallBikeAsync();
        await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand, version: 1}");
        await using (var setup = await StoreFactory.OpenAsync(Database))
        {
            await setup.Groups.CreateGroupAsync(new NewModelGroup("bikes", [new GroupMember("bike_demand", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "ana");
        }

        var result = (PromotionResult)await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand, group: bikes, reason: better rmse}");

        Assert.Equal("bike_demand version 2 @ Champion (was version 1) and Champion of group bikes", result.Summary);
        await using var store = await StoreFactory.OpenAsync(Database);
        var group = await store.Groups.GetGroupAsync("bikes");
        Assert.Equal(new GroupMember("bike_demand", 2, GroupRole.Champion, 100), group.Champion);
        Assert.Equal(2, (await store.ResolveAsync("bike_demand@Champion")).Version);
        Assert.Equal("better rmse", (await store.GetAliasHistoryAsync("bike_demand", "Champion"))[^1].Reason);
        Assert.Equal("bikes", (await store.GetRunAsync(result.RunId)).Parameters["group"]);
    }

    [Fact]
    public async Task Promotion_ChampionWithoutTheGroupsThatServeIt_NamesThemInSummaryAndAlert()
    {
        await TrainSmallBikeAsync();
        await TrainSmallBikeAsync();
        await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand, version: 1}");
        await using (var setup = await StoreFactory.OpenAsync(Database))
        {
            await setup.Groups.CreateGroupAsync(new NewModelGroup("bikes", [new GroupMember("bike_demand", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "ana");
            await setup.Groups.CreateGroupAsync(new NewModelGroup("bikes-eu", [new GroupMember("bike_demand", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Archive), "ana");
        }

        var result = (PromotionResult)await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand, version: 2}");

        const string Expected = "bike_demand version 2 @ Champion (was version 1); still serving another version as Champion: "
            + "group bikes (version 1), group bikes-eu (version 1) (promote with group: NAME to move a group with the alias)";
        Assert.Equal(Expected, result.Summary);
        Assert.Equal([new GroupChampion("bikes", 1), new GroupChampion("bikes-eu", 1)], result.OtherChampions);
        Assert.Contains($"[alert] PromotionJob finished: {Expected}", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promotion_GroupWithAnotherAlias_IsAConfigError()
    {
        var error = await Assert.ThrowsAsync<ConfigException>(() => RunAsync("job:\n  KIND: PromotionJob\n  model_name: bike_demand\n  group: bikes\n  alias: Staging\n"));

        Assert.Equal("job.yaml:2: job: alias: a group's promotion moves the Champion alias, so with group 'bikes' leave alias out or write Champion (found 'Staging')", error.Message);
    }

    [Theory]
    [InlineData("InferenceJob", "credit_risk@", "outputs: {KIND: CsvWriter, path: x.csv}")]
    [InlineData("EvaluationsJob", "credit_risk/0", "target: cnt\n  metrics: [{KIND: R2}]")]
    [InlineData("ExplanationsJob", "@Champion", "models_explanations: {KIND: CsvWriter, path: m.csv}\n  samples_explanations: {KIND: CsvWriter, path: s.csv}")]
    public async Task MalformedModelReference_IsAConfigErrorWithFileLineAndPath(string kind, string reference, string rest)
    {
        var error = await Assert.ThrowsAsync<ConfigException>(() => RunAsync(
            $"job:\n  KIND: {kind}\n  inputs: {{KIND: CsvReader, path: data.csv}}\n  model: '{reference}'\n  {rest}\n"));

        Assert.Equal($"job.yaml:4: job.model: '{reference}' is not a model reference; write name@alias, name/version, name/latest or name", error.Message);
    }

    private Task TrainSmallBikeAsync() => RunAsync($$"""
        job:
          KIND: TrainingJob
        {{BikeData}}
          model: {KIND: GradientBoostingRegressor, max_iter: 10}
          model_name: bike_demand
        """);

    private async Task<JobResult> RunAsync(string yaml, bool promote = false)
    {
        if (promote)
        {
            await RunAsync("job: {KIND: PromotionJob, model_name: bike_demand}");
        }

        var document = new ConfigLoader().Merge([new ConfigSource("job.yaml", yaml)]);
        var job = new ConfigBinder(JobKinds.Create()).Bind<JobConfig>(document).Job;
        return await JobRunner.RunAsync(job, new JobRunOptions
        {
            Services = new JobServicesOptions { DatabaseOverride = Database, Console = _console },
        });
    }
}

using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Tracking;

namespace ModelOps.Cli.Tests;

/// <summary>
/// <c>modelops run</c> through the real process, in a scratch folder that sees the repository's
/// <c>data/</c> and <c>configs/</c> (symbolic links), so every output and the store stay in the scratch
/// folder: the bike chain end to end, and bad inputs each with their exit code and message.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    // Small models keep the chain fast; the configs are otherwise run as shipped. A list in the
    // extras replaces the config's list whole: this grid has two candidates.
    private const string SmallTuning = "{job: {model: {max_iter: 20}, searcher: {grid: [{name: learning_rate, values: [0.1, 0.3]}]}}}";
    private const string SmallTraining = "{job: {model: {max_iter: 40}}}";
    private const string Quiet = "{job: {logger_service: {level: Warning}}}";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-run-" + Guid.NewGuid().ToString("N")[..12]);

    public RunCommandTests()
    {
        Directory.CreateDirectory(_folder);
        Directory.CreateSymbolicLink(Path.Combine(_folder, "data"), Path.Combine(CliProcess.RepoRoot, "data"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "configs"), Path.Combine(CliProcess.RepoRoot, "configs"));
    }

    private string Database => Path.Combine(_folder, "store", "modelops.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task BikeChain_RunsEveryJobAndRecordsItInTheStore()
    {
        var tuning = Run("configs/bike/tuning.yaml", "-e", SmallTuning, "-e", Quiet);
        Assert.True(tuning.ExitCode == 0, tuning.Stderr);
        Assert.Matches(@"TuningJob: best rmse \d+(\.\d+)? of 2 trials with learning_rate=0\.[13]\r?\n", tuning.Stdout);

        var training = Run("configs/bike/training.yaml", "-e", SmallTraining, "-e", Quiet);
        Assert.True(training.ExitCode == 0, training.Stderr);
        Assert.Matches(@"TrainingJob: registered bike_demand version 1; test mae \d+(\.\d+)?, r2 0\.\d+, rmse \d+(\.\d+)?", training.Stdout);

        var promotion = Run("configs/bike/promotion.yaml", "-e", Quiet);
        Assert.True(promotion.ExitCode == 0, promotion.Stderr);
        Assert.Contains("PromotionJob: bike_demand version 1 @ Champion (new alias)", promotion.Stdout, StringComparison.Ordinal);

        var inference = Run("configs/bike/inference.yaml", "-e", Quiet);
        Assert.True(inference.ExitCode == 0, inference.Stderr);
        Assert.Contains("InferenceJob: 17379 rows x 16 columns from bike_demand version 1 to ", inference.Stdout, StringComparison.Ordinal);
        var header = File.ReadLines(Path.Combine(_folder, "outputs", "bike", "predictions.csv")).First();
        Assert.StartsWith("instant,dteday,prediction,shap_season,shap_weathersit,shap_yr,", header, StringComparison.Ordinal);
        Assert.EndsWith(",shap_base_value", header, StringComparison.Ordinal);

        var parquet = Run("configs/bike/inference_parquet.yaml", "-e", Quiet);
        Assert.True(parquet.ExitCode == 0, parquet.Stderr);
        Assert.Contains("InferenceJob: 17379 rows x 16 columns from bike_demand version 1 to ", parquet.Stdout, StringComparison.Ordinal);
        var fromCsv = Dataset.ReadCsv(Path.Combine(_folder, "outputs", "bike", "predictions.csv"));
        var fromParquet = Dataset.ReadParquet(Path.Combine(_folder, "outputs", "bike", "predictions.parquet"));
        Assert.Equal(fromCsv.ColumnNames, fromParquet.ColumnNames);
        Assert.Equal(fromCsv.Get<Float64Column>("prediction").Values.ToArray(), fromParquet.Get<Float64Column>("prediction").Values.ToArray());

        // The small test model is held to a loose bound; the shipped bounds are for the full model (the demo).
        var evaluations = Run("configs/bike/evaluations.yaml", "-e", Quiet, "-e", "{job: {metrics: [{KIND: R2, threshold: 0.5}, {KIND: RootMeanSquaredError}]}}");
        Assert.True(evaluations.ExitCode == 0, evaluations.Stderr);
        Assert.Matches(@"EvaluationsJob: bike_demand version 1 on 17379 rows: r2 0\.\d+ \(>= 0\.5: passed\), rmse \d+", evaluations.Stdout);

        var explanations = Run("configs/bike/explanations.yaml", "-e", Quiet);
        Assert.True(explanations.ExitCode == 0, explanations.Stderr);
        Assert.Contains("ExplanationsJob: explained bike_demand version 1 on 1000 rows x 12 columns (top: ", explanations.Stdout, StringComparison.Ordinal);
        Assert.Equal("feature,importance,kind", File.ReadLines(Path.Combine(_folder, "outputs", "bike", "models_explanations.csv")).First());
        Assert.Equal(1001, File.ReadLines(Path.Combine(_folder, "outputs", "bike", "samples_explanations.csv")).Count());

        await using var store = await StoreFactory.OpenAsync(Database);
        var runs = await store.ListRunsAsync("bike");
        Assert.Equal(7, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Finished, r.Status));
        Assert.Equal(1, (await store.ResolveAsync("bike_demand@Champion")).Version);
        var trainingRun = await store.GetRunAsync((await store.GetVersionAsync("bike_demand", 1)).RunId!);
        Assert.Equal(["inputs", "targets"], trainingRun.Datasets.Select(d => d.Name).Order().ToArray());
    }

    [Fact]
    public void Schema_PrintsTheJsonSchemaOfTheWholeLanguage()
    {
        var result = Run("--schema");
        Assert.Equal(0, result.ExitCode);
        using var schema = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        var defs = schema.RootElement.GetProperty("$defs");
        foreach (var kind in new[] { "TuningJob", "TrainingJob", "PromotionJob", "InferenceJob", "EvaluationsJob", "ExplanationsJob", "CsvReader", "SqlWriter", "WebhookAlerts", "RocAuc" })
        {
            Assert.True(defs.TryGetProperty(kind, out _), $"$defs has no {kind}");
        }
    }

    [Fact]
    public void NoConfig_IsAConfigError()
    {
        var result = Run();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: modelops run: no config file given (modelops run CONFIG.yaml [-e EXTRAS]...)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConfigFile_IsAConfigError()
    {
        var result = Run("configs/bike/trainin.yaml");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: configs/bike/trainin.yaml: config file not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void YamlSyntaxError_NamesFileAndLine()
    {
        var result = RunConfig("job:\n  KIND: PromotionJob\n  model_name: [bike\n");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: job.yaml:4:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownJobKind_SuggestsTheNearest()
    {
        var result = RunConfig("job:\n  KIND: TrainingJb\n");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: job.yaml:2: job.KIND: unknown kind 'TrainingJb', did you mean TrainingJob?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKey_SuggestsTheField()
    {
        var result = Run("configs/bike/training.yaml", "-e", "{job: {model: {max_dept: 3}}}");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --extras[0]:1: job.model.max_dept: unknown field, did you mean max_depth?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongType_NamesTheValue()
    {
        var result = Run("configs/bike/training.yaml", "-e", "{job: {model: {max_iter: many}}}");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --extras[0]:1: job.model.max_iter: expected an integer, found 'many'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRequiredField_NamesIt()
    {
        var result = RunConfig("job:\n  KIND: PromotionJob\n  alias: Champion\n");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: job.yaml:2: job: missing field 'model_name'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMetricKind_SuggestsTheNearest()
    {
        var result = Run("configs/bike/training.yaml", "-e", "{job: {metrics: [{KIND: RootMeanSquareError}]}}");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --extras[0]:1: job.metrics[0].KIND: unknown kind 'RootMeanSquareError', did you mean RootMeanSquaredError?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassificationMetricForARegressor_IsAConfigError()
    {
        var result = Run("configs/bike/training.yaml", "-e", "{job: {metrics: [{KIND: R2}, {KIND: RocAuc}]}}");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("job: metrics[1]: roc_auc is a classification metric, but GradientBoostingRegressor does regression", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingEnvironmentVariable_WithoutDefault_IsAConfigError()
    {
        var result = RunConfig("job:\n  KIND: PromotionJob\n  model_name: ${env:MODELOPS_TEST_UNSET_MODEL}\n");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: job.yaml:3: job.model_name: environment variable 'MODELOPS_TEST_UNSET_MODEL' is not set and has no default (write ${env:MODELOPS_TEST_UNSET_MODEL,default})", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDataFile_IsADataError()
    {
        var result = Run("configs/bike/training.yaml", "-e", "{job: {inputs: {path: data/bike_sharing/hours.csv}}}");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error: data/bike_sharing/hours.csv: file not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DataThatBreaksItsSchema_IsADataErrorNamingColumnAndRow()
    {
        var lines = File.ReadAllLines(Path.Combine(CliProcess.RepoRoot, "data", "bike_sharing", "hour.csv")).Take(6).ToArray();
        lines[3] = ReplaceField(lines[3], 5, "25"); // hr of the third data row
        File.WriteAllLines(Path.Combine(_folder, "bad_hours.csv"), lines);
        var result = Run("configs/bike/training.yaml", "-e", "{job: {inputs: {path: bad_hours.csv}, targets: {path: bad_hours.csv}}}");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("hr", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("25", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeatureColumnMissingFromTheData_IsADataErrorAndRunsShowGivesTheError()
    {
        var result = Run("configs/bike/tuning.yaml", "-e", SmallTuning, "-e", Quiet, "-e", "{job: {features: [{KIND: Passthrough, columns: [hr, tmp]}]}}");

        const string Message = "inputs: feature column 'tmp' (job.features[0].columns[1]) not found, did you mean temp?";
        Assert.Equal(3, result.ExitCode);
        Assert.EndsWith($"error: {Message}\n", result.Stderr, StringComparison.Ordinal);
        await using var store = await StoreFactory.OpenAsync(Database);
        var run = Assert.Single(await store.ListRunsAsync("bike"));
        Assert.Contains($"[alert] TuningJob failed: {Message} (run {run.Id})", result.Stderr + result.Stdout, StringComparison.Ordinal);

        var show = CliProcess.RunIn(_folder, ["runs", "show", run.Id, "--database", Database]);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Matches(@"\berror\s+data: inputs: feature column 'tmp' \(job\.features\[0\]\.columns\[1\]\) not found, did you mean temp\?", show.Stdout);
        var json = CliProcess.RunIn(_folder, ["runs", "show", run.Id, "--json", "--database", Database]);
        using var document = System.Text.Json.JsonDocument.Parse(json.Stdout);
        var error = document.RootElement.GetProperty("info").GetProperty("error");
        Assert.Equal(("data", Message), (error.GetProperty("kind").GetString(), error.GetProperty("message").GetString()));
    }

    [Fact]
    public void MalformedModelReference_IsAConfigErrorNamingSourceLineAndPath()
    {
        var result = Run("configs/bike/inference.yaml", "-e", "{job: {model: 'bike_demand@'}}");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --extras[0]:1: job.model: 'bike_demand@' is not a model reference; write name@alias, name/version, name/latest or name\n", result.Stderr);
    }

    [Fact]
    public void ExtrasWithAnotherModelKind_ReplaceTheModelInsteadOfKeepingItsKeys()
    {
        var result = Run("configs/bike/training.yaml", "-e", Quiet, "-e", "{job: {model: {KIND: Ridge, alpha: 1}, metrics: null}}");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"TrainingJob: registered bike_demand version 1; test mae \d+(\.\d+)?, r2 [-0-9.]+, rmse \d+", result.Stdout);
    }

    [Fact]
    public void UnknownModelAlias_IsNotFound()
    {
        var result = Run("configs/bike/inference.yaml", "-e", "{job: {model: bike_demand@Challenger}}");
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("bike_demand", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissedThreshold_FailsTheEvaluationWithItsOwnExitCode()
    {
        Assert.Equal(0, Run("configs/bike/training.yaml", "-e", SmallTraining, "-e", Quiet).ExitCode);
        var result = Run("configs/bike/evaluations.yaml", "-e", Quiet, "-e", "{job: {model: bike_demand/1, metrics: [{KIND: RootMeanSquaredError, threshold: 1}, {KIND: R2, threshold: 0.1}]}}");
        Assert.Equal(7, result.ExitCode);
        Assert.Matches(@"error: evaluation of bike_demand version 1 failed: rmse = \d+(\.\d+)?, must be <= 1\r?\n", result.Stderr);
        await using var store = await StoreFactory.OpenAsync(Database);
        var runs = await store.ListRunsAsync("bike");
        Assert.Contains(runs, r => r.Name == "EvaluationsJob" && r.Status == RunStatus.Failed);
    }

    [Fact]
    public void ExtrasThatAreNotYaml_AreAConfigError()
    {
        var result = Run("configs/bike/promotion.yaml", "-e", "{job: [");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --extras[0]:2: YAML syntax error at column 1: While parsing a node, did not find expected node content.\n", result.Stderr);
    }

    [Fact]
    public void UnknownRegisteredModel_IsNotFound()
    {
        var result = Run("configs/bike/promotion.yaml", "-e", "{job: {model_name: bike_demand_v2}}");
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("bike_demand_v2", result.Stderr, StringComparison.Ordinal);
    }

    private CliResult Run(params string[] args) =>
        CliProcess.RunIn(_folder, ["run", .. args, "--database", Database], new Dictionary<string, string?> { ["MODELOPS_DATABASE_URL"] = null });

    private CliResult RunConfig(string yaml)
    {
        File.WriteAllText(Path.Combine(_folder, "job.yaml"), yaml);
        return Run("job.yaml");
    }

    private static string ReplaceField(string line, int index, string value)
    {
        var fields = line.Split(',');
        fields[index] = value;
        return string.Join(',', fields);
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using ModelOps.Store.Tests.Infrastructure;
using ModelOps.Store.Tracking;

namespace ModelOps.Store.Tests.Tracking;

public abstract class TrackingTests(IStoreBackend backend) : StoreTests(backend)
{
    [Fact]
    public async Task StartRun_NewExperiment_CreatesItOnFirstUse()
    {
        await Store.StartRunAsync("training");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await Store.StartRunAsync("training");

        var experiments = await Store.ListExperimentsAsync();

        var experiment = Assert.Single(experiments);
        Assert.Equal("training", experiment.Name);
        Assert.Equal(2, experiment.RunCount);
        Assert.Equal(ManualClock.Start, experiment.CreatedAt);
        Assert.Equal(second.StartedAt, experiment.LastRunAt);
    }

    [Fact]
    public async Task StartRun_Defaults_RecordsRunningStatusHostAndVersions()
    {
        var run = await Store.StartRunAsync("training", new RunStart { Description = "baseline", Tags = new Dictionary<string, string> { ["job"] = "TrainingJob" } });

        var stored = await Store.GetRunAsync(run.Id);

        Assert.Equal(run, stored.Info);
        Assert.Matches("^[0-9a-f]{32}$", run.Id);
        Assert.Equal("run-" + run.Id[^8..], run.Name);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(ManualClock.Start, run.StartedAt);
        Assert.Null(run.EndedAt);
        Assert.Equal("baseline", run.Description);
        Assert.Equal(Environment.MachineName, run.Host);
        Assert.Equal(Environment.UserName, run.User);
        Assert.False(string.IsNullOrEmpty(run.ModelOpsVersion));
        Assert.Contains(".NET", run.Runtime, StringComparison.Ordinal);
        Assert.Equal("TrainingJob", stored.Tags["job"]);
    }

    [Fact]
    public async Task EndRun_Finished_SetsStatusAndEndTime()
    {
        var run = await Store.StartRunAsync("training", new RunStart { Name = "fit" });
        Clock.Advance(TimeSpan.FromSeconds(90));

        var ended = await Store.EndRunAsync(run.Id, RunStatus.Finished);

        Assert.Equal(RunStatus.Finished, ended.Status);
        Assert.Equal(ManualClock.Start.AddSeconds(90), ended.EndedAt);
        Assert.Equal(ended, (await Store.GetRunAsync(run.Id)).Info);
    }

    [Fact]
    public async Task FailRun_Error_IsStoredWithTheRunAndListed()
    {
        var run = await Store.StartRunAsync("training", new RunStart { Name = "fit" });
        Clock.Advance(TimeSpan.FromSeconds(5));

        var failed = await Store.FailRunAsync(run.Id, new RunError("data", "inputs: feature column 'tmp' (job.features[1].columns[0]) not found, did you mean temp?"));

        Assert.Equal((RunStatus.Failed, ManualClock.Start.AddSeconds(5)), (failed.Status, failed.EndedAt));
        Assert.Equal(new RunError("data", "inputs: feature column 'tmp' (job.features[1].columns[0]) not found, did you mean temp?"), failed.Error);
        Assert.Equal(failed, (await Store.GetRunAsync(run.Id)).Info);
        Assert.Equal(failed.Error, Assert.Single(await Store.ListRunsAsync("training")).Error);
    }

    [Fact]
    public async Task EndRun_FinishedOrFailedWithoutError_HasNoError()
    {
        var finished = await Store.StartRunAsync("training");
        var failed = await Store.StartRunAsync("training");

        await Store.EndRunAsync(finished.Id, RunStatus.Finished);
        await Store.EndRunAsync(failed.Id, RunStatus.Failed);

        Assert.Null((await Store.GetRunAsync(finished.Id)).Info.Error);
        Assert.Null((await Store.GetRunAsync(failed.Id)).Info.Error);
    }

    [Fact]
    public async Task FailRun_AlreadyEnded_IsConflictAndKeepsTheFirstEnd()
    {
        var run = await Store.StartRunAsync("training");
        await Store.EndRunAsync(run.Id, RunStatus.Finished);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.FailRunAsync(run.Id, new RunError("internal", "late")));

        Assert.Equal($"run '{run.Id}' has already ended (FINISHED)", error.Message);
        Assert.Null((await Store.GetRunAsync(run.Id)).Info.Error);
    }

    [Fact]
    public async Task EndRun_AlreadyEnded_IsConflict()
    {
        var run = await Store.StartRunAsync("training");
        await Store.EndRunAsync(run.Id, RunStatus.Failed);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.EndRunAsync(run.Id, RunStatus.Finished));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
        Assert.Equal($"run '{run.Id}' has already ended (FAILED)", error.Message);
    }

    [Fact]
    public async Task LogParameters_SameValueAgain_IsAcceptedAndOtherValueIsConflict()
    {
        var run = await Store.StartRunAsync("training");
        await Store.LogParametersAsync(run.Id, new Dictionary<string, string> { ["max_depth"] = "3", ["learning_rate"] = "0.1" });
        await Store.LogParametersAsync(run.Id, new Dictionary<string, string> { ["max_depth"] = "3" });

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            Store.LogParametersAsync(run.Id, new Dictionary<string, string> { ["seed"] = "1", ["max_depth"] = "4" }));

        Assert.Equal(
            $"parameter 'max_depth' of run '{run.Id}' is already '3'; parameters are write-once, so it cannot become '4'",
            error.Message);
        var stored = await Store.GetRunAsync(run.Id);
        Assert.Equal(new Dictionary<string, string> { ["learning_rate"] = "0.1", ["max_depth"] = "3" }, stored.Parameters);
    }

    [Fact]
    public async Task LogMetrics_Batch_KeepsEveryStepAndLatestValuePerKey()
    {
        var run = await Store.StartRunAsync("training");
        var points = new List<MetricPoint>();
        for (var step = 0; step < 450; step++)
        {
            points.Add(new MetricPoint("loss", 1.0 / (step + 1), step, ManualClock.Start.AddMilliseconds(step)));
            points.Add(new MetricPoint("val_loss", 2.0 / (step + 1), step, ManualClock.Start.AddMilliseconds(step)));
        }

        await Store.LogMetricsAsync(run.Id, points);
        await Store.LogMetricAsync(run.Id, "rmse", 0.25);

        var history = await Store.GetMetricHistoryAsync(run.Id, "loss");
        Assert.Equal(450, history.Count);
        Assert.Equal(new MetricPoint("loss", 1.0 / 450, 449, ManualClock.Start.AddMilliseconds(449)), history[^1]);
        Assert.Equal(Enumerable.Range(0, 450).Select(i => (long)i), history.Select(p => p.Step));
        var latest = (await Store.GetRunAsync(run.Id)).Metrics;
        Assert.Equal(["loss", "rmse", "val_loss"], latest.Select(m => m.Key));
        Assert.Equal(2.0 / 450, latest[2].Value);
        Assert.Equal(new MetricPoint("rmse", 0.25, 0, ManualClock.Start), latest[1]);
    }

    [Fact]
    public async Task LogMetric_NaNAndInfinity_RoundTrip()
    {
        var run = await Store.StartRunAsync("training");

        await Store.LogMetricAsync(run.Id, "loss", double.NaN, 0);
        await Store.LogMetricAsync(run.Id, "loss", double.PositiveInfinity, 1);

        var history = await Store.GetMetricHistoryAsync(run.Id, "loss");
        Assert.True(double.IsNaN(history[0].Value));
        Assert.Equal(double.PositiveInfinity, history[1].Value);
    }

    [Fact]
    public async Task LogMetric_TimestampBelowMicrosecond_IsStoredToTheMicrosecond()
    {
        var run = await Store.StartRunAsync("training");
        var at = ManualClock.Start.AddTicks(12_345_678);

        await Store.LogMetricsAsync(run.Id, [new MetricPoint("auc", 0.9, 0, at)]);

        Assert.Equal(ManualClock.Start.AddTicks(12_345_670), (await Store.GetMetricHistoryAsync(run.Id, "auc"))[0].Timestamp);
    }

    [Fact]
    public async Task GetMetricHistory_UnknownKey_ListsTheRunsMetrics()
    {
        var run = await Store.StartRunAsync("training");
        await Store.LogMetricAsync(run.Id, "rmse", 1.5);
        await Store.LogMetricAsync(run.Id, "mae", 1.0);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetMetricHistoryAsync(run.Id, "rsme"));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
        Assert.Equal($"metric 'rsme' of run '{run.Id}' not found; its metrics are: mae, rmse (did you mean rmse?)", error.Message);
    }

    [Fact]
    public async Task LogDataset_Lineage_RoundTrips()
    {
        var run = await Store.StartRunAsync("training");
        var inputs = new DatasetLineage("inputs", "training", "data/bike_sharing/hour.csv", "sha256:abc123", 17379, 2,
            [new DatasetColumn("temp", "float64"), new DatasetColumn("season", "int64")]);
        var targets = inputs with { Name = "targets", ColumnCount = 1, Columns = [new DatasetColumn("cnt", "int64")] };

        await Store.LogDatasetAsync(run.Id, inputs);
        await Store.LogDatasetAsync(run.Id, targets);

        var datasets = (await Store.GetRunAsync(run.Id)).Datasets;
        Assert.Equal(2, datasets.Count);
        Assert.Equal(inputs.Name, datasets[0].Name);
        Assert.Equal(inputs.SourceUri, datasets[0].SourceUri);
        Assert.Equal(inputs.Digest, datasets[0].Digest);
        Assert.Equal(17379, datasets[0].RowCount);
        Assert.Equal(inputs.Columns, datasets[0].Columns);
        Assert.Equal(targets.Columns, datasets[1].Columns);
    }

    [Fact]
    public async Task LogArtifact_File_IsRecordedWithItsSizeAndSha256AndOpens()
    {
        var run = await Store.StartRunAsync("training");
        var bytes = Encoding.UTF8.GetBytes("{\"trees\": []}");

        var artifact = await Store.LogArtifactAsync(run.Id, "model/model.json", new MemoryStream(bytes));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), artifact.Sha256);
        Assert.Equal(bytes.Length, artifact.SizeBytes);
        Assert.Equal([artifact], (await Store.GetRunAsync(run.Id)).Artifacts);
        await using var read = await Store.OpenArtifactAsync(run.Id, "model/model.json");
        Assert.Equal("{\"trees\": []}", await new StreamReader(read).ReadToEndAsync());
    }

    [Fact]
    public async Task LogArtifact_SamePathAgain_ReplacesFileAndHash()
    {
        var run = await Store.StartRunAsync("training");
        await Store.LogArtifactAsync(run.Id, "notes.txt", new MemoryStream("one"u8.ToArray()));

        var second = await Store.LogArtifactAsync(run.Id, "notes.txt", new MemoryStream("two"u8.ToArray()));

        Assert.Equal([second], (await Store.GetRunAsync(run.Id)).Artifacts);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("two"u8)), second.Sha256);
    }

    [Fact]
    public async Task LogArtifact_PathLeavingRunFolder_IsInvalid()
    {
        var run = await Store.StartRunAsync("training");

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.LogArtifactAsync(run.Id, "../escape.txt", new MemoryStream()));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal("artifact path '../escape.txt' is invalid: use a relative path such as model.json or plots/roc.json, without '..'", error.Message);
    }

    [Fact]
    public async Task OpenArtifact_UnknownPath_ListsTheRunsArtifacts()
    {
        var run = await Store.StartRunAsync("training");
        await Store.LogArtifactAsync(run.Id, "model.json", new MemoryStream("{}"u8.ToArray()));

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.OpenArtifactAsync(run.Id, "modle.json"));

        Assert.Equal($"artifact 'modle.json' of run '{run.Id}' not found; its artifacts are: model.json (did you mean model.json?)", error.Message);
    }

    [Fact]
    public async Task SetRunTags_ExistingKey_GetsNewValue()
    {
        var run = await Store.StartRunAsync("training", new RunStart { Tags = new Dictionary<string, string> { ["stage"] = "dev" } });

        await Store.SetRunTagsAsync(run.Id, new Dictionary<string, string> { ["stage"] = "prod", ["owner"] = "ana" });

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "ana", ["stage"] = "prod" }, (await Store.GetRunAsync(run.Id)).Tags);
    }

    [Fact]
    public async Task ListRuns_ByExperiment_NewestFirstAndOnlyThatExperiment()
    {
        var first = await Store.StartRunAsync("training");
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.StartRunAsync("tuning");
        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await Store.StartRunAsync("training");

        var runs = await Store.ListRunsAsync("training");

        Assert.Equal([third.Id, first.Id], runs.Select(r => r.Id));
        Assert.Equal(3, (await Store.ListRunsAsync()).Count);
    }

    [Fact]
    public async Task ListRuns_UnknownExperiment_ListsExperimentsAndSuggests()
    {
        await Store.StartRunAsync("training");
        await Store.StartRunAsync("tuning");

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.ListRunsAsync("trainig"));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
        Assert.Equal("experiment 'trainig' not found; experiments are: training, tuning (did you mean training?)", error.Message);
    }

    [Fact]
    public async Task GetExperiment_NoExperiments_SaysThereAreNone()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetExperimentAsync("training"));

        Assert.Equal("experiment 'training' not found; there are no experiments", error.Message);
    }

    [Fact]
    public async Task GetRun_MistypedId_ListsRunsNearbyAndSuggestsTheClosest()
    {
        var run = await Store.StartRunAsync("training");
        var typo = run.Id[..^1] + (run.Id[^1] == '0' ? '1' : '0');

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetRunAsync(typo));

        Assert.Equal($"run '{typo}' not found; runs nearby are: {run.Id} (did you mean {run.Id}?)", error.Message);
    }

    [Fact]
    public async Task GetRun_NoRuns_SaysThereAreNone()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.GetRunAsync("0123"));

        Assert.Equal("run '0123' not found; there are no runs", error.Message);
    }
}

public sealed class SqliteTrackingTests() : TrackingTests(new SqliteBackend())
{
    // On SQLite artifacts stay files in the local folder; PostgreSQL keeps them in the database
    // (Postgres/PostgresArtifactStoreTests).
    [Fact]
    public async Task LogArtifact_OnSqlite_IsAFileUnderTheRunFolderAndNothingIsInTheDatabase()
    {
        var run = await Store.StartRunAsync("training");
        var bytes = Encoding.UTF8.GetBytes("{\"trees\": []}");

        var artifact = await Store.LogArtifactAsync(run.Id, "model/model.json", new MemoryStream(bytes));

        var path = Path.Combine(Backend.ArtifactRoot, run.Id, "model", "model.json");
        Assert.Equal(new Uri(path).AbsoluteUri, artifact.Uri);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));
        Assert.Equal(Backend.ArtifactRoot, Store.Artifacts.Location);
        await using var connection = new SqliteConnection($"Data Source={Location};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM artifact_blobs";
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTrackingTests(PostgresServer server) : TrackingTests(new PostgresBackend(server));

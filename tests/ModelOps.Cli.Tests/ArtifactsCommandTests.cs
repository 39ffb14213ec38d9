using System.Security.Cryptography;
using System.Text;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Registry;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops artifacts download</c> through the real process: the recorded bytes, atomically, or a clear refusal.</summary>
public sealed class ArtifactsCommandTests : IAsyncLifetime
{
    private static readonly string[] Inputs = ["season", "hr", "temp"];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-artifacts-" + Guid.NewGuid().ToString("N")[..12]);
    private string _runId = string.Empty;

    private string Database => Path.Combine(_folder, "modelops.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var data = Dataset.ReadCsv(Path.Combine(CliProcess.RepoRoot, "data", "bike_sharing", "hour.csv"), new Jobs.Datasets.Csv.CsvReadOptions { Limit = 500 });
        var model = new Model([new PassthroughStep(Inputs)], new GradientBoostingRegressorOptions { MaxIter = 5 });
        model.Fit(data.Select(Inputs), data["cnt"]);
        await using var store = await StoreFactory.OpenAsync(Database, new StoreOptions { ArtifactRoot = Path.Combine(_folder, "artifacts") });
        var run = await store.StartRunAsync("artifacts-tests");
        _runId = run.Id;
        await store.RegisterAsync(new ModelRegistration("bike", model, run.Id));
        await store.SetAliasAsync("bike", "Champion", 1);
        using var notes = new MemoryStream(Encoding.UTF8.GetBytes("a,b\n1,2\n"));
        await store.LogArtifactAsync(run.Id, "reports/notes.csv", notes);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Download_VersionByAliasAndRunArtifactByPath_WriteTheRecordedBytes()
    {
        await using var store = await StoreFactory.OpenAsync(Database);
        var records = (await store.GetRunAsync(_runId)).Artifacts;
        var target = Path.Combine(_folder, "out", "champion.json");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        var model = CliProcess.RunIn(_folder, ["artifacts", "download", "--model", "bike@Champion", "-o", target, "--database", Database]);
        var notes = CliProcess.RunIn(_folder, ["artifacts", "download", _runId, "reports/notes.csv", "--database", Database]);

        var modelRecord = records.Single(r => r.Path == "model.json");
        Assert.Equal((0, string.Empty), (model.ExitCode, model.Stderr));
        Assert.Equal($"wrote {target} ({modelRecord.SizeBytes:N0} bytes, sha256 {modelRecord.Sha256})\n", model.Stdout);
        Assert.Equal(modelRecord.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(target))));
        Assert.Equal(0, notes.ExitCode);
        Assert.Equal("a,b\n1,2\n", await File.ReadAllTextAsync(Path.Combine(_folder, "notes.csv")));
    }

    [Fact]
    public void Download_UnknownPathOrNoTarget_ExitsWithTheReasonAndWritesNothing()
    {
        var missing = CliProcess.RunIn(_folder, ["artifacts", "download", _runId, "model.jsn", "--database", Database]);
        var neither = CliProcess.RunIn(_folder, ["artifacts", "download", "--database", Database]);
        var both = CliProcess.RunIn(_folder, ["artifacts", "download", _runId, "model.json", "--model", "bike", "--database", Database]);

        Assert.Equal((4, $"error: artifact 'model.jsn' of run '{_runId}' not found; its artifacts are: model.json, reports/notes.csv (did you mean model.json?)\n"), (missing.ExitCode, missing.Stderr));
        const string Usage = "error: modelops artifacts download: give a run id and an artifact path (modelops artifacts download RUN_ID model.json) or --model NAME@ALIAS, not both\n";
        Assert.Equal((2, Usage), (neither.ExitCode, neither.Stderr));
        Assert.Equal((2, Usage), (both.ExitCode, both.Stderr));
        Assert.False(File.Exists(Path.Combine(_folder, "model.jsn")));
        Assert.Empty(Directory.GetFiles(_folder, "*.json"));
    }
}

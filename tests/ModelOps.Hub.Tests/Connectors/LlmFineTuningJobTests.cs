using ModelOps.Hub.Connectors;
using ModelOps.Hub.Connectors.FineTuning;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Services;
using ModelOps.Store;
using ModelOps.Store.Connectors;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Tests.Connectors;

/// <summary><c>LlmFineTuningJob</c> against a stub that speaks OpenAI's fine-tuning API: upload, create, progress, success, a failed provider job, a cancel.</summary>
public sealed class LlmFineTuningJobTests : IAsyncLifetime
{
    private const string Key = "sk-finetune-test-0123456789Qz7W";
    private const string Examples = """
        {"messages": [{"role": "user", "content": "Will 300 bikes be rented at 8am?"}, {"role": "assistant", "content": "Likely, on a working day."}]}
        {"messages": [{"role": "user", "content": "And at 3am?"}, {"role": "assistant", "content": "Unlikely."}]}

        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("modelops-llm-ft-").FullName;
    private readonly StringWriter _console = new();
    private LlmStubServer _stub = null!;

    private string Database => Path.Combine(_folder, "modelops.db");

    private string Training => Path.Combine(_folder, "train.jsonl");

    public async Task InitializeAsync()
    {
        _stub = new LlmStubServer(LlmProtocol.OpenAI, Key);
        await File.WriteAllTextAsync(Training, Examples);
        await using var store = await StoreFactory.OpenAsync(Database);
        await store.Connectors.AddConnectorAsync(new NewConnector("ft", ConnectorKind.OpenAICompatible, "gpt-4o-mini") { BaseUrl = _stub.BaseUrl, ApiKey = Key }, "admin");
    }

    public async Task DisposeAsync()
    {
        await _stub.DisposeAsync();
        _console.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Succeeds_UploadsCreatesFollowsTheStepsAndRegistersTheModelIdAsAnExternalVersion()
    {
        _stub.EnqueueFineTuning(
            new FineTuningPoll("running", "Step 1/4: training loss=1.21"),
            new FineTuningPoll("running", "Step 3/4: training loss=0.61"),
            new FineTuningPoll("succeeded", "The job has successfully completed", "ft:gpt-4o-mini:stub::b1k3s"));
        var progress = new RecordingProgress();

        var result = (LlmFineTuningResult)await RunAsync("job: {KIND: LlmFineTuningJob, connector: ft, training_file: TRAIN, model_name: bike-chat, suffix: bikes, hyperparameters: {n_epochs: 2}, poll_seconds: 0.05}", progress);

        Assert.Equal(("bike-chat", 1, "ft:gpt-4o-mini:stub::b1k3s", "ftjob-stub1", 123456L), (result.ModelName, result.Version, result.ProviderModel, result.ProviderJob, result.TrainedTokens!.Value));
        var upload = Assert.Single(_stub.UploadedFiles);
        Assert.Contains("Will 300 bikes be rented at 8am?", upload, StringComparison.Ordinal);
        var create = _stub.Requests.Single(r => r is { Method: "POST", Path: "/v1/fine_tuning/jobs" }).Json!;
        Assert.Equal(("gpt-4o-mini", "file-stub1", "bikes", 2), ((string?)create["model"], (string?)create["training_file"], (string?)create["suffix"], (int)create["hyperparameters"]!["n_epochs"]!));
        Assert.All(_stub.Requests, r => Assert.Equal("Bearer " + Key, r.Header("Authorization")));
        Assert.Equal([25.0, 50.0], progress.Advances);
        Assert.True(progress.Completed);

        await using var store = await StoreFactory.OpenAsync(Database);
        var version = await store.GetVersionAsync("bike-chat", 1);
        Assert.True(RegisteredModels.IsMetadataOnly(version));
        Assert.Equal(("ft:gpt-4o-mini:stub::b1k3s", "ft", "gpt-4o-mini", "ftjob-stub1", "2"), (version.Tags["provider_model"], version.Tags["connector"], version.Tags["base_model"], version.Tags["provider_job"], version.Tags["training_examples"]));
        var run = await store.GetRunAsync(version.RunId!);
        Assert.Equal(("ftjob-stub1", "2"), (run.Parameters["provider_job"], run.Parameters["training_examples"]));
        var log = _console.ToString();
        Assert.Contains("provider: Step 3/4: training loss=0.61", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedProviderJob_FailsWithTheProvidersMessage_AndRegistersNothing()
    {
        _stub.EnqueueFineTuning(new FineTuningPoll("failed", Error: "Training file has 2 invalid lines"));

        var error = await Assert.ThrowsAsync<ConnectorException>(() => RunAsync("job: {KIND: LlmFineTuningJob, connector: ft, training_file: TRAIN, model_name: bike-chat, poll_seconds: 0.05}"));

        Assert.Equal("Connector 'ft': the provider's fine-tuning job ftjob-stub1 failed: Training file has 2 invalid lines (invalid_training_file)", error.Message);
        await using var store = await StoreFactory.OpenAsync(Database);
        Assert.Empty(await store.ListModelsAsync());
    }

    [Fact]
    public async Task ACancelledJob_CancelsTheProvidersJobToo()
    {
        _stub.EnqueueFineTuning(new FineTuningPoll("running", "Step 1/100: training loss=2.0"));
        using var cancel = new CancellationTokenSource();
        var running = RunAsync("job: {KIND: LlmFineTuningJob, connector: ft, training_file: TRAIN, model_name: bike-chat, poll_seconds: 0.05}", cancel: cancel.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_stub.Requests.Any(r => r.Path.EndsWith("/events", StringComparison.Ordinal)))
        {
            Assert.False(running.IsCompleted, $"the job ended before it polled: {running.Exception?.InnerException?.Message}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the job never polled the provider");
            await Task.Delay(20);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Contains(_stub.Requests, r => r is { Method: "POST", Path: "/v1/fine_tuning/jobs/ftjob-stub1/cancel" });
    }

    [Fact]
    public async Task ABadTrainingFileOrKey_IsNamed_BeforeOrAsTheProviderAnswers()
    {
        await File.WriteAllTextAsync(Training, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n{\"prompt\": \"old format\"}\n");
        var badLine = await Assert.ThrowsAsync<DatasetException>(() => RunAsync("job: {KIND: LlmFineTuningJob, connector: ft, training_file: TRAIN, model_name: m}"));
        Assert.Equal($"{Training} line 2: a training example is an object with a non-empty messages array ({{\"messages\": [{{\"role\": \"user\", \"content\": ...}}, ...]}})", badLine.Message);
        Assert.Empty(_stub.Requests);

        await File.WriteAllTextAsync(Training, Examples);
        await using (var store = await StoreFactory.OpenAsync(Database))
        {
            await store.Connectors.UpdateConnectorAsync("ft", new ConnectorChange { ApiKey = "sk-wrong-key-0000000000000000" });
        }

        var refused = await Assert.ThrowsAsync<ConnectorException>(() => RunAsync("job: {KIND: LlmFineTuningJob, connector: ft, training_file: TRAIN, model_name: m}"));
        Assert.Equal(ConnectorErrorKind.KeyRefused, refused.Error.Kind);
        Assert.DoesNotContain("sk-wrong-key-0000000000000000", refused.Message, StringComparison.Ordinal);
    }

    private async Task<JobResult> RunAsync(string yaml, IJobProgress? progress = null, CancellationToken cancel = default)
    {
        var document = new ConfigLoader().Merge([new ConfigSource("job.yaml", yaml.Replace("TRAIN", $"'{Training}'", StringComparison.Ordinal))]);
        var job = new ConfigBinder(JobKinds.Create().AddConnectorJobs()).Bind<JobConfig>(document).Job;
        return await JobRunner.RunAsync(job, new JobRunOptions { Services = new JobServicesOptions { DatabaseOverride = Database, Console = _console }, Progress = progress ?? JobProgress.None }, cancel);
    }

    private sealed class RecordingProgress : IJobProgress, IJobStep
    {
        public List<double> Advances { get; } = [];

        public bool Completed { get; private set; }

        public IJobStep Start(string description, double total) => this;

        public void Advance(double units)
        {
            lock (Advances)
            {
                Advances.Add(units);
            }
        }

        public void Complete() => Completed = true;

        public void Dispose()
        {
        }
    }
}

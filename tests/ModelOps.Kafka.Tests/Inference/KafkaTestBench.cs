using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Services;
using ModelOps.Kafka.Inference;
using ModelOps.Store;
using ModelOps.Store.Registry;

namespace ModelOps.Kafka.Tests.Inference;

/// <summary>
/// What the job's tests share: librdkafka's mock cluster, a SQLite store with two versions of a bike-demand model
/// (<c>bike/1</c>, <c>bike/2</c> and <c>bike/3</c>, trained on the shipped data), the shipped rows as JSON records, and clients to
/// produce inputs and read every message of a topic.
/// </summary>
public sealed class KafkaTestBench : IAsyncLifetime
{
    public static readonly string[] Inputs = ["season", "hr", "weekday", "workingday", "weathersit", "temp", "hum", "windspeed"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-kafka-" + Guid.NewGuid().ToString("N")[..12]);

    public MockCluster Cluster { get; } = MockCluster.Start();

    public string Database => Path.Combine(_folder, "store.db");

    /// <summary>The shipped bike rows (instant, dteday and the model's inputs).</summary>
    public Frame Rows { get; private set; } = null!;

    public Model Version1 { get; private set; } = null!;

    public Model Version2 { get; private set; } = null!;

    public static string RepoRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ModelOps.slnx")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("ModelOps.slnx not found above the test folder");
        }
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var data = Dataset.ReadCsv(Path.Combine(RepoRoot, "data", "bike_sharing", "hour.csv"));
        Rows = data.Select(["instant", "dteday", .. Inputs]);
        Version1 = new Model([new PassthroughStep(Inputs)], new GradientBoostingRegressorOptions { MaxIter = 10 });
        Version1.Fit(data.Select(Inputs), data["cnt"]);
        Version2 = new Model([new PassthroughStep(Inputs)], new GradientBoostingRegressorOptions { MaxIter = 20, MaxDepth = 4 });
        Version2.Fit(data.Select(Inputs), data["cnt"]);
        await using var store = await StoreFactory.OpenAsync(Database);
        var version3 = new Model([new PassthroughStep(Inputs)], new GradientBoostingRegressorOptions { MaxIter = 5 });
        version3.Fit(data.Select(Inputs), data["cnt"]);
        foreach (var model in new[] { Version1, Version2, version3 })
        {
            var run = await store.StartRunAsync("kafka-tests");
            await store.RegisterAsync(new ModelRegistration("bike", model, run.Id));
        }
    }

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The first <paramref name="count"/> shipped rows as JSON records, one line each.</summary>
    public IReadOnlyList<string> Records(int count)
    {
        using var stream = new MemoryStream();
        Dataset.WriteJsonLines(stream, Rows.Head(count));
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Produces <paramref name="messages"/> with their keys (and a <c>trace</c> header) and waits for the acknowledgements.</summary>
    public void Produce(string topic, IEnumerable<(string? Key, string? Value)> messages)
    {
        using var producer = new ProducerBuilder<string?, string?>(new ProducerConfig { BootstrapServers = Cluster.BootstrapServers, Acks = Acks.All }).Build();
        var index = 0;
        foreach (var (key, value) in messages)
        {
            producer.Produce(topic, new Message<string?, string?>
            {
                Key = key,
                Value = value,
                Headers = new Headers { { "trace", Encoding.UTF8.GetBytes("t" + index.ToString(CultureInfo.InvariantCulture)) } },
            });
            index++;
        }

        producer.Flush();
    }

    /// <summary>Every message of <paramref name="topic"/>, read by partition assignment (no group) until <paramref name="expected"/> arrived or 30 s passed.</summary>
    public List<ConsumeResult<string?, string?>> ReadAll(string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<string?, string?>(new ConsumerConfig
        {
            BootstrapServers = Cluster.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var clock = Stopwatch.StartNew();

        // The job creates the topic on its first output: wait for it to exist.
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions;
        while (partitions.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(100);
            partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions;
        }

        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        var messages = new List<ConsumeResult<string?, string?>>();
        while (messages.Count < expected && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } message)
            {
                messages.Add(message);
            }
        }

        // Anything beyond what was expected (a duplicate) arrives within this extra wait.
        while (consumer.Consume(TimeSpan.FromMilliseconds(300)) is { } extra)
        {
            messages.Add(extra);
        }

        return messages;
    }

    /// <summary>Runs a KafkaInferenceJob config (YAML under <c>job:</c>) in this process on the bench's store.</summary>
    public async Task<(KafkaInferenceResult Result, string Console)> RunAsync(string yaml, CancellationToken cancellationToken = default)
    {
        var job = Bind(yaml);
        using var console = new StringWriter();
        var result = await JobRunner.RunAsync(job, new JobRunOptions { Services = new JobServicesOptions { DatabaseOverride = Database, Console = console } }, cancellationToken);
        return ((KafkaInferenceResult)result, console.ToString());
    }

    public Job Bind(string yaml)
    {
        var document = new ConfigLoader().Merge([new ConfigSource("job.yaml", yaml.Replace("BOOTSTRAP", Cluster.BootstrapServers, StringComparison.Ordinal))]);
        return new ConfigBinder(JobKinds.Create().AddKafkaJobs()).Bind<JobConfig>(document).Job;
    }

    public static string Header(ConsumeResult<string?, string?> message, string name) =>
        message.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : throw new KeyNotFoundException($"no header {name}");
}

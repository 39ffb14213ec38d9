using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using ModelOps.Jobs.Datasets;
using ModelOps.Kafka;
using ModelOps.Kafka.Inference;

namespace ModelOps.Cli.Tests;

/// <summary>
/// <c>modelops run</c> of a KafkaInferenceJob as real processes against librdkafka's mock cluster, with inputs produced
/// by Debian's <c>kcat</c>: killed mid-stream and restarted, two processes in one consumer group, stopped by SIGTERM.
/// </summary>
public sealed partial class KafkaInferenceCommandTests : IAsyncLifetime, IDisposable
{
    private const int Partitions = 8;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-kafka-cli-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly MockCluster _cluster = MockCluster.Start();
    private string[] _records = [];

    private string Database => Path.Combine(_folder, "store.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        await BikeModel.RegisterAsync(Database, Path.Combine(_folder, "artifacts"));
        var rows = Dataset.ReadCsv(Path.Combine(CliProcess.RepoRoot, "data", "bike_sharing", "hour.csv")).Select(["instant", .. BikeModel.Inputs]);
        using var json = new MemoryStream();
        Dataset.WriteJsonLines(json, rows);
        _records = Encoding.UTF8.GetString(json.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var topic in (string[])["rides", "scored", "dead"])
        {
            _cluster.CreateTopic(topic, Partitions);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task KilledWithSigkillMidStream_RestartedJobLeavesNoInputOffsetWithoutItsOutput()
    {
        ProduceWithKcat();
        var config = WriteConfig("batch_size: 100");
        using (var first = StartJob(config))
        {
            WaitForOutputs(3_000);
            first.Kill();
        }

        using var second = StartJob(config, "max_idle_seconds: 3");
        var result = await second.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var outputs = ReadOutputs("scored");
        var sources = outputs.Select(Source).ToList();
        var missing = AllInputOffsets().Except(sources).Count();
        Assert.True(missing == 0, $"{missing} input offsets have no output ({sources.Count - sources.Distinct().Count()} duplicates)");
        Assert.Equal(_records.Length, sources.Distinct().Count());
        Assert.Matches(SummaryPattern(), result.Stdout);
    }

    [Fact]
    public async Task TwoProcessesInOneGroup_SharePartitionsAndTogetherProduceEveryOutput()
    {
        // The idle bound outlasts the second member's join: the mock's coordinator takes seconds to rebalance, and on a
        // loaded CI machine more than 8 (the first member then finished idle before it got its share back).
        var config = WriteConfig("max_idle_seconds: 20");
        static bool Assigned(string line) => line.Contains("] assigned ", StringComparison.Ordinal);
        using var first = StartJob(config);
        await first.WaitForLineAsync(Assigned, TimeSpan.FromSeconds(60), stderr: true);
        using var second = StartJob(config);
        await second.WaitForLineAsync(Assigned, TimeSpan.FromSeconds(60), stderr: true);

        // The rebalance gave the first member its share again before anything is produced: its latest assignment is a
        // part of the partitions (the mock's coordinator may rebalance more than once while the second member joins).
        bool Shared()
        {
            var last = first.StderrSoFar.Split('\n').LastOrDefault(Assigned) ?? "";
            return first.CountLines(Assigned, stderr: true) >= 2 && last.Split("rides[").Length - 1 < Partitions;
        }

        var clock = Stopwatch.StartNew();
        while (!Shared() && !first.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        Assert.True(Shared(), $"the first member was not given its share again:\n{first.StderrSoFar}\n--- second member:\n{second.StderrSoFar}");
        ProduceWithKcat();

        var results = new[] { await first.WaitAsync(TimeSpan.FromMinutes(2)), await second.WaitAsync(TimeSpan.FromMinutes(2)) };

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var consumed = results.Select(r => long.Parse(SummaryPattern().Match(r.Stdout).Groups["consumed"].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(consumed, c => Assert.True(c > 0, $"a process consumed nothing: {string.Join(", ", consumed)}\n{results[0].Stderr}\n{results[1].Stderr}"));
        Assert.Equal(_records.Length, consumed.Sum());
        var sources = ReadOutputs("scored").Select(Source).ToList();
        Assert.Equal(_records.Length, sources.Count);
        Assert.Empty(AllInputOffsets().Except(sources));
    }

    [Fact]
    public async Task Sigterm_FinishesTheBatchCommitsAndExitsWithinTheBound()
    {
        ProduceWithKcat();
        using var job = StartJob(WriteConfig("batch_size: 50"));
        WaitForOutputs(2_000);
        var clock = Stopwatch.StartNew();

        var result = await job.TerminateAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var summary = SummaryPattern().Match(result.Stdout);
        Assert.Equal("signal", summary.Groups["by"].Value);
        var consumed = long.Parse(summary.Groups["consumed"].Value, CultureInfo.InvariantCulture);
        // On a loaded machine the job may catch up with the topic before the signal arrives: it still stops by the signal.
        Assert.InRange(consumed, 2_000, _records.Length);

        // What the group committed is exactly what the job consumed, and each of those offsets has its output.
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "scorer" }).Build();
        var committed = reader.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition("rides", p)), TimeSpan.FromSeconds(10));
        Assert.Equal(consumed, committed.Sum(c => Math.Max(0, c.Offset.Value)));
        var sources = ReadOutputs("scored").Select(Source).ToHashSet();
        Assert.All(committed, c => Assert.All(Enumerable.Range(0, (int)Math.Max(0, c.Offset.Value)), o => Assert.Contains((c.Partition.Value, (long)o), sources)));
    }

    [Fact]
    public void Produce_SendsEachRowAsAJsonRecordKeyedByTheField_ReadBackByKcat()
    {
        var file = Path.Combine(_folder, "rows.csv");
        File.WriteAllText(file, "id,season,temp\n7,1,0.25\n8,2,\n");

        var (code, stdout, stderr) = CliProcess.Run("kafka", "produce", file, "--topic", "rows", "--key", "id", "-b", _cluster.BootstrapServers);

        Assert.True(code == 0, stderr);
        Assert.Equal($"produced 2 messages from {file} to topic rows\n", stdout);
        var (kcatCode, lines, errors) = Kcat(null, "-b", _cluster.BootstrapServers, "-C", "-t", "rows", "-o", "beginning", "-e", "-q", "-f", "%k %s\\n");
        Assert.True(kcatCode == 0, errors);
        Assert.Equal(["7 {\"id\":7,\"season\":1,\"temp\":0.25}", "8 {\"id\":8,\"season\":2,\"temp\":null}"], lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"KafkaInferenceJob: consumed (?<consumed>\d+) messages: (?<produced>\d+) predictions to scored, 0 dead letters to dead; all committed; stopped by (?<by>\w+)")]
    private static partial Regex SummaryPattern();

    /// <summary>A job config in the test folder: the bike model, topics rides to scored, group scorer, and <paramref name="extra"/> lines.</summary>
    private string WriteConfig(string extra)
    {
        var path = Path.Combine(_folder, "job-" + Guid.NewGuid().ToString("N")[..6] + ".yaml");
        File.WriteAllText(path, $$"""
            job:
              KIND: KafkaInferenceJob
              bootstrap_servers: {{_cluster.BootstrapServers}}
              consumer:
                group_id: scorer
                topics: [rides]
                # The mock cluster lets a member join only after a killed member's session expired.
                properties: {session.timeout.ms: "6000"}
              output: {topic: scored}
              dead_letter_topic: dead
              model: bike/1
              keep_fields: [instant]
              {{extra}}
            """);
        return path;
    }

    private ChildProcess StartJob(string config, string? extra = null)
    {
        string[] args = ["run", config, "--database", Database];
        return ChildProcess.Start(extra is null ? args : [.. args, "-e", $"{{job: {{{extra}}}}}"]);
    }

    /// <summary>Every record keyed by its <c>instant</c>, produced by kcat (an independent client).</summary>
    private void ProduceWithKcat()
    {
        var input = string.Concat(_records.Select((r, i) => $"{i + 1}\t{r}\n"));
        var (code, _, errors) = Kcat(input, "-b", _cluster.BootstrapServers, "-P", "-t", "rides", "-K", "\t");
        Assert.True(code == 0, errors);
    }

    private HashSet<(int Partition, long Offset)> AllInputOffsets()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "offsets" }).Build();
        var all = new HashSet<(int, long)>();
        for (var p = 0; p < Partitions; p++)
        {
            var end = consumer.QueryWatermarkOffsets(new TopicPartition("rides", p), TimeSpan.FromSeconds(10)).High.Value;
            for (var o = 0L; o < end; o++)
            {
                all.Add((p, o));
            }
        }

        Assert.Equal(_records.Length, all.Count);
        return all;
    }

    private void WaitForOutputs(int count)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "watch" }).Build();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var total = Enumerable.Range(0, Partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition("scored", p), TimeSpan.FromSeconds(10)).High.Value);
            if (total >= count)
            {
                return;
            }

            Thread.Sleep(10);
        }

        throw new TimeoutException($"fewer than {count} outputs after 60 s");
    }

    private List<ConsumeResult<Ignore, byte[]>> ReadOutputs(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "read", EnableAutoCommit = false }).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var messages = new List<ConsumeResult<Ignore, byte[]>>();
        while (consumer.Consume(TimeSpan.FromSeconds(2)) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }

    private static (int Partition, long Offset) Source(ConsumeResult<Ignore, byte[]> output) => (
        int.Parse(Header(output, KafkaHeaderNames.SourcePartition), CultureInfo.InvariantCulture),
        long.Parse(Header(output, KafkaHeaderNames.SourceOffset), CultureInfo.InvariantCulture));

    private static string Header(ConsumeResult<Ignore, byte[]> message, string name) =>
        Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(name));

    private static (int ExitCode, string Stdout, string Stderr) Kcat(string? input, params string[] args)
    {
        var start = new ProcessStartInfo("kcat") { RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        process.WaitForExit(60_000);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Explain;
using ModelOps.Core.Scoring;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;
using ModelOps.Kafka.Inference;
using ModelOps.Store;
using ModelOps.Store.Groups;

namespace ModelOps.Kafka.Tests.Inference;

/// <summary>KafkaInferenceJob in this process against librdkafka's mock cluster (the real Kafka protocol).</summary>
public sealed class KafkaInferenceJobTests(KafkaTestBench bench) : IClassFixture<KafkaTestBench>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    private string Topic(string name) => $"{name}-{_id}";

    private string Job(string source, int maxMessages, string extra = "") => $$"""
        job:
          KIND: KafkaInferenceJob
          bootstrap_servers: BOOTSTRAP
          consumer:
            group_id: scorer-{{_id}}
            topics: [{{Topic("rides")}}]
            # The mock cluster lets a new member join only after the last one's session expired.
            properties: {session.timeout.ms: "6000"}
          output: {topic: {{Topic("scored")}}}
          dead_letter_topic: {{Topic("dead")}}
          {{source}}
          keep_fields: [instant]
          batch_size: 64
          max_messages: {{maxMessages}}
          max_idle_seconds: 20
        {{extra}}
        """;

    [Fact]
    public async Task Model_WithoutShap_EveryRecordGetsTheModelsPredictionWithItsKeyAndHeaders()
    {
        bench.Cluster.CreateTopic(Topic("rides"), partitions: 3);
        var records = bench.Records(300);
        bench.Produce(Topic("rides"), records.Select((r, i) => ((string?)$"k{i}", (string?)r)));

        var (result, _) = await bench.RunAsync(Job("model: bike/1", 300));

        Assert.Equal($"consumed 300 messages: 300 predictions to {Topic("scored")}, 0 dead letters to {Topic("dead")}; all committed; stopped by max_messages", result.Summary);
        await using (var store = await StoreFactory.OpenAsync(bench.Database))
        {
            var run = await store.GetRunAsync(result.RunId);
            Assert.Equal([("consumed", 300.0), ("dead_letters", 0), ("logged_rows", 0), ("produced", 300)], run.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value)));
        }

        var outputs = bench.ReadAll(Topic("scored"), 300);
        Assert.Equal(300, outputs.Count);
        var expected = bench.Version1.Predict(bench.Rows.Head(300));
        foreach (var output in outputs)
        {
            var json = JsonDocument.Parse(output.Message.Value!).RootElement;
            var instant = json.GetProperty("instant").GetInt64();
            var row = (int)instant - 1;
            Assert.Equal(["instant", "model", "version", "prediction"], json.EnumerateObject().Select(p => p.Name));
            Assert.Equal(("bike", 1), (json.GetProperty("model").GetString(), json.GetProperty("version").GetInt32()));
            Assert.Equal(expected[row], json.GetProperty("prediction").GetDouble());
            Assert.Equal($"k{row}", output.Message.Key);
            Assert.Equal($"t{row}", KafkaTestBench.Header(output, "trace"));
            Assert.Equal(Topic("rides"), KafkaTestBench.Header(output, KafkaHeaderNames.SourceTopic));
            var partition = int.Parse(KafkaTestBench.Header(output, KafkaHeaderNames.SourcePartition), CultureInfo.InvariantCulture);
            var offset = long.Parse(KafkaTestBench.Header(output, KafkaHeaderNames.SourceOffset), CultureInfo.InvariantCulture);
            Assert.InRange(partition, 0, 2);
            Assert.InRange(offset, 0, 299);
        }

        Assert.Equal(300, outputs.Select(o => (KafkaTestBench.Header(o, KafkaHeaderNames.SourcePartition), KafkaTestBench.Header(o, KafkaHeaderNames.SourceOffset))).Distinct().Count());
    }

    [Fact]
    public async Task Model_WithShap_OutputsCarryExactShapThatSumsToThePrediction()
    {
        bench.Cluster.CreateTopic(Topic("rides"), partitions: 2);
        bench.Produce(Topic("rides"), bench.Records(120).Select(r => ((string?)null, (string?)r)));

        await bench.RunAsync(Job("model: bike/2", 120, "  explain: true"));

        var scores = ModelScoring.Score(bench.Version2, bench.Rows.Head(120), new ScoringOptions { Explain = ShapLevel.Input });
        var outputs = bench.ReadAll(Topic("scored"), 120);
        Assert.Equal(120, outputs.Count);
        foreach (var output in outputs)
        {
            var json = JsonDocument.Parse(output.Message.Value!).RootElement;
            var row = (int)json.GetProperty("instant").GetInt64() - 1;
            var shap = json.GetProperty("shap");
            Assert.Equal(KafkaTestBench.Inputs, shap.EnumerateObject().Select(p => p.Name));
            foreach (var name in KafkaTestBench.Inputs)
            {
                Assert.Equal(scores.Shap![row, name], shap.GetProperty(name).GetDouble());
            }

            var sum = json.GetProperty("base_value").GetDouble() + shap.EnumerateObject().Sum(p => p.Value.GetDouble());
            Assert.Equal(json.GetProperty("prediction").GetDouble(), sum, 1e-9);
        }
    }

    [Fact]
    public async Task Group_RoutesStickyByKeyAndLogsEveryScoreWithItsShadowInTheGroupsTable()
    {
        var group = "rides-" + _id;
        await using (var store = await StoreFactory.OpenAsync(bench.Database))
        {
            await store.Groups.CreateGroupAsync(new NewModelGroup(group, [
                new GroupMember("bike", 1, GroupRole.Champion, 50),
                new GroupMember("bike", 2, GroupRole.Challenger, 50),
                new GroupMember("bike", 3, GroupRole.Shadow, 0)], GroupDeletionPolicy.Delete), "tests");
        }

        bench.Cluster.CreateTopic(Topic("rides"), partitions: 4);
        var records = bench.Records(200);
        bench.Produce(Topic("rides"), records.Select((r, i) => ((string?)$"user-{i % 40}", (string?)r)));

        var (result, _) = await bench.RunAsync(Job($"group: {group}", 200));

        Assert.Equal(400, result.LoggedRows);
        var split = new TrafficSplit(new ModelGroup(group, string.Empty, GroupDeletionPolicy.Delete, null, [new GroupMember("bike", 1, GroupRole.Champion, 50), new GroupMember("bike", 2, GroupRole.Challenger, 50)], 1, default, default));
        var outputs = bench.ReadAll(Topic("scored"), 200);
        Assert.Equal(200, outputs.Count);
        var versionsByKey = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        await using (var store = await StoreFactory.OpenAsync(bench.Database))
        {
            foreach (var output in outputs)
            {
                var json = JsonDocument.Parse(output.Message.Value!).RootElement;
                var version = json.GetProperty("version").GetInt32();
                Assert.Equal(split.Served[split.Pick(output.Message.Key)].Version, version);
                Assert.Equal(version == 1 ? "champion" : "challenger", json.GetProperty("role").GetString());
                (versionsByKey.TryGetValue(output.Message.Key!, out var seen) ? seen : versionsByKey[output.Message.Key!] = []).Add(version);

                var requestId = $"kafka:{Topic("rides")}:{KafkaTestBench.Header(output, KafkaHeaderNames.SourcePartition)}:{KafkaTestBench.Header(output, KafkaHeaderNames.SourceOffset)}";
                var rows = await store.InferenceLog.GetRequestAsync(group, requestId);
                Assert.Equal([(version, version == 1 ? GroupRole.Champion : GroupRole.Challenger), (3, GroupRole.Shadow)], rows.Select(r => (r.Record.Version, r.Record.Role)));
                Assert.Equal(json.GetProperty("prediction").GetDouble(), rows[0].Record.Prediction);
                Assert.Equal(output.Message.Key, rows[0].Record.RoutingKey);
                var instant = json.GetProperty("instant").GetInt64();
                Assert.Equal(records[(int)instant - 1], rows[0].Record.Inputs);
                Assert.Null(rows[0].Record.Error);
            }
        }

        Assert.All(versionsByKey.Values, versions => Assert.Single(versions));
        Assert.Equal([1, 2], versionsByKey.Values.Select(v => v.Single()).Distinct().Order());
    }

    [Fact]
    public async Task Group_PromotedWhileStreaming_LaterRecordsGoToTheNewChampion_AndASignalStopsCleanly()
    {
        var group = "live-" + _id;
        await using var store = await StoreFactory.OpenAsync(bench.Database);
        await store.Groups.CreateGroupAsync(new NewModelGroup(group, [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Delete), "tests");
        bench.Cluster.CreateTopic(Topic("rides"), partitions: 2);
        var records = bench.Records(100);
        bench.Produce(Topic("rides"), records.Take(50).Select(r => ((string?)null, (string?)r)));
        using var stop = new CancellationTokenSource();
        var job = Task.Run(() => bench.RunAsync(Job($"group: {group}", 1000).Replace("max_idle_seconds: 20", "max_idle_seconds: 120", StringComparison.Ordinal), stop.Token));
        Assert.Equal(50, bench.ReadAll(Topic("scored"), 50).Count);

        await store.Groups.PromoteAsync(group, "bike", 2, takeAllTraffic: true, "tests");
        await Task.Delay(TimeSpan.FromSeconds(6));
        bench.Produce(Topic("rides"), records.Skip(50).Select(r => ((string?)null, (string?)r)));
        var outputs = bench.ReadAll(Topic("scored"), 100);
        await stop.CancelAsync();
        var (result, _) = await job;

        Assert.Equal((100, "signal"), (result.Consumed, result.StoppedBy));
        var versions = outputs.Select(o => JsonDocument.Parse(o.Message.Value!).RootElement)
            .ToDictionary(json => json.GetProperty("instant").GetInt64(), json => json.GetProperty("version").GetInt32());
        Assert.Equal(100, versions.Count);
        Assert.All(versions.Where(v => v.Key <= 50), v => Assert.Equal(1, v.Value));
        Assert.All(versions.Where(v => v.Key > 50), v => Assert.Equal(2, v.Value));
    }

    [Fact]
    public async Task BadMessages_GoToTheDeadLetterTopicWithTheirKeyValueHeadersAndTheError()
    {
        bench.Cluster.CreateTopic(Topic("rides"), partitions: 1);
        var good = bench.Records(3);
        var missing = good[1].Replace("\"hr\":1,", string.Empty, StringComparison.Ordinal);
        var wrongType = good[2].Replace("\"temp\":0.22,", "\"temp\":\"warm\",", StringComparison.Ordinal);
        bench.Produce(Topic("rides"), [("a", good[0]), ("b", "{\"season\": 1,"), ("c", "[1, 2]"), ("d", missing), ("e", wrongType), ("f", null)]);

        var (result, _) = await bench.RunAsync(Job("model: bike/1", 6));

        Assert.Equal((6, 1, 5), (result.Consumed, result.Produced, result.DeadLetters));
        var dead = bench.ReadAll(Topic("dead"), 5).OrderBy(m => m.Message.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(["b", "c", "d", "e", "f"], dead.Select(m => m.Message.Key));
        Assert.Equal(["{\"season\": 1,", "[1, 2]", missing, wrongType, null], dead.Select(m => m.Message.Value));
        Assert.Equal(["t1", "t2", "t3", "t4", "t5"], dead.Select(m => KafkaTestBench.Header(m, "trace")));
        Assert.Equal(["1", "2", "3", "4", "5"], dead.Select(m => KafkaTestBench.Header(m, KafkaHeaderNames.SourceOffset)));
        Assert.All(dead, m => Assert.Equal(Topic("rides"), KafkaTestBench.Header(m, KafkaHeaderNames.SourceTopic)));
        Assert.Equal(
            [
                (DeadLetterKinds.InvalidJson, "not JSON: Expected start of a property name or value, but instead reached end of data. (line 1, byte 13)"),
                (DeadLetterKinds.NotARecord, "expected a JSON object (a record), got an array"),
                (DeadLetterKinds.Schema, "$: missing field 'hr'"),
                (DeadLetterKinds.Schema, "$.temp: expected a number (float64), got string \"warm\""),
                (DeadLetterKinds.InvalidJson, "the message has no value; expected a JSON object (a record)"),
            ],
            dead.Select(m => (KafkaTestBench.Header(m, KafkaHeaderNames.ErrorKind), KafkaTestBench.Header(m, KafkaHeaderNames.ErrorMessage))));
        var output = Assert.Single(bench.ReadAll(Topic("scored"), 1));
        Assert.Equal("a", output.Message.Key);
    }

    [Fact]
    public async Task OutputsRefusedByTheCluster_StopTheJobWithNothingCommitted_AndARestartScoresThemAll()
    {
        bench.Cluster.CreateTopic(Topic("rides"), partitions: 1);
        bench.Cluster.CreateTopic(Topic("scored"), partitions: 1);
        bench.Cluster.CreateTopic(Topic("dead"), partitions: 1);
        bench.Produce(Topic("rides"), bench.Records(20).Select(r => ((string?)null, (string?)r)));

        // Every Produce request of the job is answered TOPIC_AUTHORIZATION_FAILED (29), which no retry cures.
        bench.Cluster.FailNextRequests(0, [.. Enumerable.Repeat(29, 20)]);
        ServiceUnavailableException error;
        try
        {
            error = await Assert.ThrowsAsync<ServiceUnavailableException>(() => bench.RunAsync(Job("model: bike/1", 20)));
        }
        finally
        {
            // The cluster is shared by the class's tests: no refusal may outlive this one.
            bench.Cluster.ClearRequestErrors(0);
        }

        Assert.Equal($"20 of 20 messages were not acknowledged by the cluster ({Topic("scored")}: Broker: Topic authorization failed); the batch from {Topic("rides")}[0]@0 on is not committed, so it is scored again on restart", error.Message);
        Assert.Equal(JobErrorKind.ServiceUnavailable, JobErrors.KindOf(error));
        var (again, _) = await bench.RunAsync(Job("model: bike/1", 20));
        Assert.Equal((20, 20), (again.Consumed, again.Produced));
    }

    [Fact]
    public async Task MaxIdleSeconds_StopsAfterTheLastMessageWithEverythingCommitted()
    {
        bench.Cluster.CreateTopic(Topic("rides"), partitions: 2);
        bench.Produce(Topic("rides"), bench.Records(50).Select(r => ((string?)null, (string?)r)));
        var job = Job("model: bike", 1000).Replace("max_idle_seconds: 20", "max_idle_seconds: 1", StringComparison.Ordinal);

        var (first, _) = await bench.RunAsync(job);
        bench.Produce(Topic("rides"), bench.Records(20).Select(r => ((string?)null, (string?)r)));
        var (second, _) = await bench.RunAsync(job);

        Assert.Equal((50, "max_idle_seconds"), (first.Consumed, first.StoppedBy));
        Assert.Equal(20, second.Consumed);
        Assert.Equal(70, bench.ReadAll(Topic("scored"), 70).Count);
    }

    [Fact]
    public void Config_ModelAndGroupTogether_AndReservedProperties_AreRefusedNamingTheFields()
    {
        var yaml = """
            job:
              KIND: KafkaInferenceJob
              bootstrap_servers: BOOTSTRAP
              consumer: {group_id: scorer, topics: [rides], properties: {enable.auto.commit: "true"}}
              output: {topic: rides-scored}
              dead_letter_topic: rides-scored
              model: bike/1
              group: rides
            """;

        var error = Assert.Throws<ConfigException>(() => bench.Bind(yaml));

        Assert.Equal(
            [
                "job: give either 'model' or 'group', not both",
                "job: dead_letter_topic: 'rides-scored' is also the output topic; keep bad messages apart from predictions",
                "job: consumer.properties.enable.auto.commit: set by the job (offsets are committed only after delivery; the cluster and group have their own fields); remove it",
            ],
            error.Problems.Select(p => $"{p.Path}: {p.Message}"));
    }
}

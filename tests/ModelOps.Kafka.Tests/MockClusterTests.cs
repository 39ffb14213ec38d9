using System.Diagnostics;
using Confluent.Kafka;

namespace ModelOps.Kafka.Tests;

/// <summary>
/// The mock cluster is a real Kafka-protocol peer: the Confluent client and Debian's <c>kcat</c> (another client,
/// another process) produce to and consume from it.
/// </summary>
public sealed class MockClusterTests
{
    [Fact]
    public void Topic_ProducedByConfluentAndReadByKcat_HasEveryMessageInItsPartitions()
    {
        using var cluster = MockCluster.Start(brokers: 3);
        cluster.CreateTopic("records", partitions: 4);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All }).Build())
        {
            for (var i = 0; i < 100; i++)
            {
                producer.Produce("records", new Message<string, string> { Key = $"k{i % 10}", Value = $"{{\"i\":{i}}}" });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var (code, output, errors) = Kcat("-b", cluster.BootstrapServers, "-C", "-t", "records", "-o", "beginning", "-e", "-q", "-f", "%p %k %s\\n");

        Assert.True(code == 0, errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{{\"i\":{i}}}").Order(StringComparer.Ordinal), lines.Select(l => l.Split(' ')[2]).Order(StringComparer.Ordinal));
        Assert.Equal(4, lines.Select(l => l.Split(' ')[0]).Distinct().Count());

        // One key, one partition: ordering by key holds.
        Assert.All(lines.GroupBy(l => l.Split(' ')[1]), key => Assert.Single(key.Select(l => l.Split(' ')[0]).Distinct()));
    }

    [Fact]
    public void Topic_ProducedByKcat_IsConsumedByConfluentInOrderPerPartition()
    {
        using var cluster = MockCluster.Start();
        cluster.CreateTopic("inputs", partitions: 1);
        var input = string.Join('\n', Enumerable.Range(0, 20).Select(i => $"m{i}")) + "\n";

        var (code, _, errors) = KcatWithInput(input, "-b", cluster.BootstrapServers, "-P", "-t", "inputs");
        Assert.True(code == 0, errors);

        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "tests",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe("inputs");
        var received = new List<string>();
        var clock = Stopwatch.StartNew();
        while (received.Count < 20 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                received.Add(message.Value);
            }
        }

        consumer.Close();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), received);
    }

    [Fact]
    public void CreateTopic_Twice_IsRefusedNamingTheError()
    {
        using var cluster = MockCluster.Start();
        cluster.CreateTopic("once", partitions: 2);

        var error = Assert.Throws<InvalidOperationException>(() => cluster.CreateTopic("once", partitions: 2));

        Assert.StartsWith("the mock cluster could not create topic 'once': ", error.Message, StringComparison.Ordinal);
        Assert.Matches("^127\\.0\\.0\\.1:\\d+$", cluster.BootstrapServers);
    }

    private static (int Code, string Output, string Errors) Kcat(params string[] args) => KcatWithInput(null, args);

    private static (int Code, string Output, string Errors) KcatWithInput(string? input, params string[] args)
    {
        var start = new ProcessStartInfo("kcat") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"kcat {string.Join(' ', args)} did not finish in 60 s");
        }

        return (process.ExitCode, output.Result, errors.Result);
    }
}

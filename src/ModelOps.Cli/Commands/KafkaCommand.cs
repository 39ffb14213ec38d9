using System.CommandLine;
using System.Runtime.InteropServices;
using ModelOps.Jobs.Configuration;
using ModelOps.Kafka;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops kafka mock [--brokers N] [--topics a,b] [--partitions N]</c>: runs librdkafka's mock cluster (a real
/// Kafka-protocol peer on 127.0.0.1) until Ctrl+C or SIGTERM, for trying the streaming job locally;
/// <c>modelops kafka produce FILE --topic T --bootstrap-servers S [--key FIELD] [--property K=V]...</c>: sends a CSV or
/// JSON-lines file to a topic, one JSON record per message.
/// </summary>
internal static class KafkaCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var brokers = new Option<int>("--brokers") { Description = "How many brokers. Default: 1.", DefaultValueFactory = _ => 1 };
        var topics = new Option<string[]>("--topics") { Description = "Topics to create, comma-separated (others are created on first use with 4 partitions).", AllowMultipleArgumentsPerToken = true };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of each topic of --topics. Default: 4.", DefaultValueFactory = _ => 4 };
        var mock = new Command("mock", "Run librdkafka's mock Kafka cluster on 127.0.0.1 until Ctrl+C or SIGTERM; prints its bootstrap servers.");
        mock.Options.Add(brokers);
        mock.Options.Add(topics);
        mock.Options.Add(partitions);
        mock.SetAction(parse => CommandRunner.Run(parse.GetValue(verbose), console =>
        {
            using var cluster = MockCluster.Start(parse.GetValue(brokers));
            var names = (parse.GetValue(topics) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            foreach (var topic in names)
            {
                cluster.CreateTopic(topic, parse.GetValue(partitions));
            }

            using var stop = new ManualResetEventSlim();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Set(); });
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Set(); });

            // The first line is what scripts and tests read.
            Console.Out.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
            Console.Out.Flush();
            console.MarkupLine(Markup.Escape(names.Count == 0
                ? "Kafka mock cluster running; topics are created on first use (4 partitions). Ctrl+C stops it."
                : $"Kafka mock cluster running with topics {string.Join(", ", names)} ({parse.GetValue(partitions)} partitions each). Ctrl+C stops it."));
            stop.Wait();
            return ExitCodes.Success;
        }));

        var kafka = new Command("kafka", "Kafka helpers: a local mock cluster, sending a file to a topic.");
        kafka.Subcommands.Add(mock);
        kafka.Subcommands.Add(CreateProduce(verbose));
        return kafka;
    }

    private static Command CreateProduce(Option<bool> verbose)
    {
        var file = new Argument<string>("file") { Description = "A CSV or JSON-lines file: each row becomes one message, a JSON object (JSON lines are sent as written)." };
        var topic = new Option<string>("--topic") { Description = "The topic.", Required = true };
        var servers = new Option<string>("--bootstrap-servers", "-b") { Description = "The cluster, host:port[,...] (what 'modelops kafka mock' prints).", Required = true };
        var key = new Option<string?>("--key") { Description = "A field whose value is each message's key (the job routes a group's traffic by it)." };
        var properties = new Option<string[]>("--property", "-X") { Description = "A librdkafka producer property, KEY=VALUE (security.protocol=SASL_SSL). Repeatable." };
        var produce = new Command("produce", "Send a CSV or JSON-lines file to a topic, one JSON record per message; waits until the cluster acknowledged every message.");
        produce.Arguments.Add(file);
        produce.Options.Add(topic);
        produce.Options.Add(servers);
        produce.Options.Add(key);
        produce.Options.Add(properties);
        produce.SetAction(parse => CommandRunner.Run(parse.GetValue(verbose), console =>
        {
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(properties) ?? [])
            {
                var cut = pair.IndexOf('=', StringComparison.Ordinal);
                if (cut <= 0)
                {
                    throw new ConfigException(new ConfigProblem("--property", 0, string.Empty, $"'{pair}' is not KEY=VALUE"));
                }

                pairs[pair[..cut]] = pair[(cut + 1)..];
            }

            var path = parse.GetRequiredValue(file);
            var name = parse.GetRequiredValue(topic);
            var count = FileProducer.Produce(path, parse.GetRequiredValue(servers), name, parse.GetValue(key), pairs);
            console.MarkupLineInterpolated($"produced {count:N0} messages from {path} to topic {name}");
            return ExitCodes.Success;
        }));
        return produce;
    }
}

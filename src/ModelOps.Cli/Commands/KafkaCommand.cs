using System.CommandLine;
using System.Runtime.InteropServices;
using ModelOps.Kafka;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops kafka mock [--brokers N] [--topics a,b] [--partitions N]</c>: runs librdkafka's mock cluster (a real
/// Kafka-protocol peer on 127.0.0.1) until Ctrl+C or SIGTERM, for trying the streaming job locally.
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

        var kafka = new Command("kafka", "Kafka helpers: a local mock cluster.");
        kafka.Subcommands.Add(mock);
        return kafka;
    }
}

using System.Diagnostics;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Scoring;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Services;
using ModelOps.Kafka.Inference;
using static System.FormattableString;

namespace ModelOps.Bench.Kafka;

/// <summary>The shipped rows as JSON records (one UTF-8 line each) and, read as the job reads them, as a frame.</summary>
internal sealed record Records(byte[][] Lines, Frame Frame)
{
    /// <summary>Each row of <paramref name="csv"/> as a JSON object, as <c>modelops kafka produce FILE.csv</c> sends it.</summary>
    public static Records Read(string csv, IReadOnlyList<InputColumn> inputs)
    {
        using var json = new MemoryStream();
        Dataset.WriteJsonLines(json, Dataset.Read(csv));
        var lines = System.Text.Encoding.UTF8.GetString(json.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var records = new JsonRecords(inputs, lines.Length);
        var errors = new List<JsonRecordError>();
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            if (!records.TryAppend(document.RootElement, "$", errors))
            {
                throw new InvalidOperationException("a shipped row breaks the model signature: " + string.Join("; ", errors));
            }
        }

        return new Records(lines, records.Build());
    }
}

/// <summary>One pipeline's run, measured from its partition assignment to its end (after its consumer closed).</summary>
/// <param name="Seconds">From the assignment to the end.</param>
/// <param name="JoinSeconds">From the subscription to the assignment (the group join, not measured).</param>
/// <param name="Cpu">The CPU used in the measured time.</param>
/// <param name="Summary">What the pipeline reported, and the garbage collections in the measured time.</param>
internal sealed record PipelineRun(double Seconds, double JoinSeconds, CpuUse Cpu, string Summary)
{
    public double Rate(long messages) => messages / Seconds;
}

/// <summary>Runs KafkaInferenceJob configs in this process on the bench's store.</summary>
internal sealed class JobBench(string bootstrap, string database, string model, CpuMeter meter)
{
    /// <summary>Runs the job on <paramref name="input"/> until it consumed <paramref name="total"/> messages; checks it scored each.</summary>
    public async Task<PipelineRun> RunAsync(KafkaBench kafka, string input, string output, bool explain, int batchSize, int total)
    {
        kafka.CreateOutput(output);
        var yaml = Invariant($$"""
            job:
              KIND: KafkaInferenceJob
              alerts_service: {KIND: ConsoleAlerts, enabled: false}
              bootstrap_servers: {{bootstrap}}
              consumer:
                group_id: bench-{{output}}-{{Guid.NewGuid():N}}
                topics: [{{input}}]
                # The mock cluster lets a new member join only after the last one's session expired.
                properties: {session.timeout.ms: "6000"}
              output: {topic: {{output}}}
              dead_letter_topic: {{output}}-dead
              model: {{model}}
              keep_fields: [instant, dteday]
              explain: {{(explain ? "true" : "false")}}
              batch_size: {{batchSize}}
              max_messages: {{total}}
              max_idle_seconds: 60
            """);
        var job = new ConfigBinder(JobKinds.Create().AddKafkaJobs()).Bind<JobConfig>(new ConfigLoader().Merge([new ConfigSource("kafka_bench.yaml", yaml)])).Job;

        // The job logs its assignment (event 2) and its end (event 5, after its consumer closed): the measured span.
        var console = new TimedLines(meter, ["KafkaInferenceJob[2] assigned ", "KafkaInferenceJob[5] stopped by "]);
        var start = Stopwatch.GetTimestamp();
        KafkaInferenceResult result;
        try
        {
            result = (KafkaInferenceResult)await JobRunner.RunAsync(job, new JobRunOptions { Services = new JobServicesOptions { DatabaseOverride = database, Console = console } });
        }
        catch
        {
            await Console.Error.WriteLineAsync(console.Text);
            throw;
        }

        if (console.Marks is not [var assigned, var stopped])
        {
            throw new InvalidOperationException("the job did not log its assignment and its end:\n" + console.Text);
        }

        if (result.Consumed != total || result.Produced != total || result.DeadLetters != 0)
        {
            throw new InvalidOperationException($"the job did not score every message: {result.Summary}");
        }

        return new PipelineRun(
            Stopwatch.GetElapsedTime(assigned.At, stopped.At).TotalSeconds,
            Stopwatch.GetElapsedTime(start, assigned.At).TotalSeconds,
            assigned.Cpu.Until(stopped.Cpu),
            $"{result.Summary}; {assigned.Cpu.GcUntil(stopped.Cpu)}");
    }
}

/// <summary>The job's console: keeps its lines, and the moment (and CPU counters) of the first line containing each mark.</summary>
internal sealed class TimedLines(CpuMeter meter, IReadOnlyList<string> marks) : TextWriter
{
    private readonly List<string> _lines = [];
    private readonly (long At, CpuReading Cpu)?[] _marks = new (long, CpuReading)?[marks.Count];

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The marks seen, in the order given (fewer when one was not logged).</summary>
    public IReadOnlyList<(long At, CpuReading Cpu)> Marks => [.. _marks.TakeWhile(m => m is not null).Select(m => m!.Value)];

    public override void WriteLine(string? value)
    {
        var at = Stopwatch.GetTimestamp();
        value ??= string.Empty;
        lock (_lines)
        {
            _lines.Add(value);
            for (var m = 0; m < marks.Count; m++)
            {
                if (_marks[m] is null && value.Contains(marks[m], StringComparison.Ordinal))
                {
                    _marks[m] = (at, meter.Read());
                }
            }
        }
    }

    public override void Write(char value)
    {
        // The job's logger writes whole lines.
    }
}

using System.Diagnostics;
using System.Globalization;
using ModelOps.Bench.Kafka;
using ModelOps.Core.Scoring;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Services;
using ModelOps.Kafka;
using ModelOps.Kafka.Inference;
using ModelOps.Store;
using ModelOps.Store.Registry;
using static System.FormattableString;

// The Kafka streaming benchmark, for bench/kafka.sh (docs/benchmarks.md, "Kafka streaming"): RECORDS bike records (the
// shipped hour.csv rows as JSON objects, repeated; the key is the record's number) on librdkafka's mock cluster, through
// (1) a plain Confluent.Kafka consume-and-produce pipe, (2) KafkaInferenceJob without SHAP, (3) the SHAP explainer alone
// (ModelScoring.Score on the same model and rows) and (4) KafkaInferenceJob with SHAP, in this process, on the same
// cores, for each batch size. The job's output topics are read back (each record once, nothing dropped, predictions and
// SHAP sums checked), the plain pipe's counted by their watermarks (all there, nothing dropped). Prints a Markdown table.
//   ModelOps.Bench.Kafka REPO_ROOT WORK_FOLDER [RECORDS] [--batch-sizes 500,5000] [--partitions 256]
var positional = new List<string>();
int[] batchSizes = [500, 5000];
var partitions = 256;
for (var a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--batch-sizes" when a + 1 < args.Length:
            batchSizes = [.. args[++a].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            break;
        case "--partitions" when a + 1 < args.Length:
            partitions = int.Parse(args[++a], CultureInfo.InvariantCulture);
            break;
        default:
            positional.Add(args[a]);
            break;
    }
}

if (positional.Count is < 2 or > 3)
{
    await Console.Error.WriteLineAsync("usage: ModelOps.Bench.Kafka REPO_ROOT WORK_FOLDER [RECORDS] [--batch-sizes 500,5000] [--partitions 256]");
    return 2;
}

var root = Path.GetFullPath(positional[0]);
var work = Path.GetFullPath(positional[1]);
var total = positional.Count == 3 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 1_000_000;
const int WarmUp = 20_000;
const int BatchedExplainerRows = 100_000;
Environment.CurrentDirectory = root;
var database = Path.Combine(work, "modelops.db");
var loadAverages = new List<string> { LoadAverage() };
Log(Invariant($"{total:N0} records, {partitions} partitions a topic, batch sizes {string.Join(", ", batchSizes)}; {Environment.ProcessorCount} cores; load average {loadAverages[0]}"));

// The model: configs/bike/training.yaml as the demo runs it (GradientBoostingRegressor, 300 iterations, 31 leaves).
var clock = Stopwatch.StartNew();
var training = (TrainingResult)await JobRunner.RunAsync(
    new ConfigBinder(JobKinds.Create().AddKafkaJobs()).Bind<JobConfig>(new ConfigLoader().Load(
        ["configs/bike/training.yaml"],
        ["{job: {logger_service: {level: Warning}, alerts_service: {KIND: ConsoleAlerts, enabled: false}}}"])).Job,
    new JobRunOptions { Services = new JobServicesOptions { DatabaseOverride = database, Console = TextWriter.Null } });
var reference = $"{training.ModelName}/{training.Version}";
LoadedModel loaded;
await using (var store = await StoreFactory.OpenAsync(database))
{
    loaded = await store.LoadAsync(reference);
}

Log(Invariant($"trained {reference} in {clock.Elapsed.TotalSeconds:F1} s"));
var records = Records.Read(Path.Combine(root, "data", "bike_sharing", "hour.csv"), loaded.Model.Inputs);
var expected = ModelScoring.Score(loaded.Model, records.Frame).Predictions;
var recordBytes = records.Lines.Average(l => l.Length);

using var meter = new CpuMeter();
using var cluster = MockCluster.Start();
var kafka = new KafkaBench(cluster, meter, partitions);
clock.Restart();
kafka.ProduceInputs("rides", records.Lines, total);
Log(Invariant($"produced {total:N0} input messages ({recordBytes:F0} bytes on average) in {clock.Elapsed.TotalSeconds:F1} s"));
kafka.ProduceInputs("warmup", records.Lines, WarmUp);
var jobs = new JobBench(cluster.BootstrapServers, database, reference, meter);

// Warm-up (not measured): each pipeline once, so that the measured runs do not pay for the JIT.
Log(Invariant($"warm-up: each pipeline on {WarmUp:N0} messages"));
kafka.PlainPipe("warmup", "warmup-plain", batchSizes[0], WarmUp);
await jobs.RunAsync(kafka, "warmup", "warmup-off", explain: false, batchSizes[0], WarmUp);
await jobs.RunAsync(kafka, "warmup", "warmup-on", explain: true, batchSizes[0], WarmUp);

var table = new List<string>();
var notes = new List<string>();
void Row(string pipeline, int? batch, double seconds, double rate, string unit, string ratio, string cpuRatio, CpuUse cpu, long count, string check)
{
    table.Add(Invariant(
        $"| {pipeline} | {(batch is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) : string.Empty)} | {seconds:F2} | {rate:N0} {unit} | {ratio} | {1e6 * cpu.Process / count:F1} ({1e6 * cpu.Broker / count:F1} + {1e6 * cpu.Clients / count:F1} + {1e6 * cpu.Dotnet / count:F1}) | {cpuRatio} | {cpu.Others / seconds:F2} | {check} |"));
    Log(table[^1]);
}

var plainRates = new Dictionary<int, double>();
foreach (var batch in batchSizes)
{
    var plain = kafka.PlainPipe("rides", $"plain-{batch}", batch, total);
    plainRates[batch] = plain.Rate(total);
    Row("plain Confluent.Kafka consume-and-produce", batch, plain.Seconds, plainRates[batch], "msg/s", string.Empty, string.Empty, plain.Cpu, total, kafka.Count($"plain-{batch}", total));
    notes.Add(Invariant($"plain pipe, batch {batch}: group joined in {plain.JoinSeconds:F1} s (not measured); {plain.Summary}"));

    var off = await jobs.RunAsync(kafka, "rides", $"off-{batch}", explain: false, batch, total);
    Row("KafkaInferenceJob, explain off", batch, off.Seconds, off.Rate(total), "msg/s", Invariant($"**{off.Rate(total) / plainRates[batch]:F2}** of the plain pipe (goal 0.50)"), Invariant($"{plain.Cpu.Process / off.Cpu.Process:F2}"), off.Cpu, total, kafka.Verify($"off-{batch}", total, expected, shap: false));
    notes.Add(Invariant($"job explain off, batch {batch}: group joined in {off.JoinSeconds:F1} s (not measured); {off.Summary}"));
}

// The SHAP explainer's own speed on the same model and rows, all rows in one call: the reference, measured before and
// after the job's runs with SHAP (their mean); then, for the record, the first 100,000 rows in batches of each size
// (the frames are cut before each call; only the calls are timed).
var options = new ScoringOptions { Explainer = loaded.Explainer };
var indices = Enumerable.Range(0, total).Select(i => i % records.Frame.RowCount).ToArray();
var all = records.Frame.Take(indices);
ModelScoring.Score(loaded.Model, records.Frame, options);
ModelScoring.Score(loaded.Model, records.Frame, ScoringOptions.PredictionsOnly);
var before = meter.Read();
clock.Restart();
var predicted = ModelScoring.Score(loaded.Model, all, ScoringOptions.PredictionsOnly);
var predictSeconds = clock.Elapsed.TotalSeconds;
Row($"ModelScoring.Score, predictions only, {total:N0} rows in one call", null, predictSeconds, total / predictSeconds, "rows/s", string.Empty, string.Empty, before.Until(meter.Read()), total, string.Empty);
if (predicted.Rows != total)
{
    throw new InvalidOperationException("the model did not score every row");
}

predicted = null;

var explainerRuns = new List<(double Seconds, CpuUse Cpu)>();
void Explainer(string when)
{
    var start = meter.Read();
    var timer = Stopwatch.StartNew();
    var explained = ModelScoring.Score(loaded.Model, all!, options);
    var seconds = timer.Elapsed.TotalSeconds;
    var cpu = start.Until(meter.Read());
    if (explained.Rows != total || explained.Shap is null)
    {
        throw new InvalidOperationException("the explainer did not explain every row");
    }

    explainerRuns.Add((seconds, cpu));
    Row($"SHAP explainer: ModelScoring.Score with the prepared explainer, {total:N0} rows in one call ({when})", null, seconds, total / seconds, "rows/s", string.Empty, string.Empty, cpu, total, string.Empty);
}

Explainer("before the job");
var batchedRows = Math.Min(total, BatchedExplainerRows);
foreach (var batch in batchSizes)
{
    var seconds = 0.0;
    before = meter.Read();
    for (var start = 0; start < batchedRows; start += batch)
    {
        var part = records.Frame.Take(indices.AsSpan(start, Math.Min(batch, batchedRows - start)));
        var begin = Stopwatch.GetTimestamp();
        ModelScoring.Score(loaded.Model, part, options);
        seconds += Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }

    Row($"SHAP explainer in batches ({batchedRows:N0} rows; time in the calls)", batch, seconds, batchedRows / seconds, "rows/s", Invariant($"{explainerRuns[0].Seconds / total * batchedRows / seconds:F2} of one call"), string.Empty, before.Until(meter.Read()), batchedRows, string.Empty);
}

// The job's runs do not share the heap with the big frame.
all = null;
var onRuns = new List<(int Batch, PipelineRun Run, string Check)>();
foreach (var batch in batchSizes)
{
    var on = await jobs.RunAsync(kafka, "rides", $"on-{batch}", explain: true, batch, total);
    onRuns.Add((batch, on, kafka.Verify($"on-{batch}", total, expected, shap: true)));
    Log(Invariant($"explain on, batch {batch}: {on.Rate(total):N0} msg/s"));
    notes.Add(Invariant($"job explain on, batch {batch}: group joined in {on.JoinSeconds:F1} s (not measured); {on.Summary}"));
}

all = records.Frame.Take(indices);
Explainer("after the job");
all = null;

// The reference: both explainer runs together.
var explainerRate = 2.0 * total / explainerRuns.Sum(r => r.Seconds);
var explainerCpu = explainerRuns.Sum(r => r.Cpu.Process) / (2.0 * total);
foreach (var (batch, on, check) in onRuns)
{
    Row("KafkaInferenceJob, explain on", batch, on.Seconds, on.Rate(total), "msg/s", Invariant($"**{on.Rate(total) / explainerRate:F2}** of the explainer, mean of both runs (goal 0.80)"), Invariant($"{explainerCpu / (on.Cpu.Process / total):F2}"), on.Cpu, total, check);
}

loadAverages.Add(LoadAverage());
Console.WriteLine();
Console.WriteLine(Invariant($"{total:N0} records ({records.Lines.Length:N0} distinct rows of hour.csv as JSON, {recordBytes:F0} bytes on average), topics of {partitions} partitions on librdkafka's mock cluster in this process, model {reference} of configs/bike/training.yaml; {Environment.ProcessorCount} cores, load average {loadAverages[0]} at the start and {loadAverages[1]} at the end."));
Console.WriteLine();
Console.WriteLine("| pipeline | batch_size | seconds | throughput | ratio | CPU us a message: all (mock broker + librdkafka clients + .NET) | CPU ratio | other processes, cores | outputs checked |");
Console.WriteLine("|---|---:|---:|---:|---|---:|---:|---:|---|");
foreach (var row in table)
{
    Console.WriteLine(row);
}

Console.WriteLine();
foreach (var note in notes)
{
    Console.WriteLine("- " + note);
}

return 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static void Log(string message) => Console.Error.WriteLine(Invariant($"[{DateTime.Now:HH:mm:ss}] {message}"));

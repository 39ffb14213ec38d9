using System.Diagnostics;
using System.Globalization;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

// Store benchmark: metric logging throughput (batched and one by one) and model registration
// latency (one writer, then 8 concurrent writers), on each database given on the command line.
// Usage: ModelOps.Bench.Store LABEL=LOCATION [LABEL=LOCATION ...]   (see bench/store.sh)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ModelOps.Bench.Store LABEL=LOCATION [LABEL=LOCATION ...]");
    return 2;
}

const int BatchSize = 1_000;
const int Batches = 100;
const int SinglePoints = 500;
const int Registrations = 300;
const int Writers = 8;
const int RegistrationsPerWriter = 40;

var rows = new List<string>();
foreach (var argument in args)
{
    var equals = argument.IndexOf('=', StringComparison.Ordinal);
    var (label, location) = (argument[..equals], argument[(equals + 1)..]);
    await using var store = await StoreFactory.OpenAsync(location);

    // Warm-up: JIT, connection pool, prepared statements.
    var warm = await store.StartRunAsync("bench-warmup");
    await store.LogMetricsAsync(warm.Id, Points(BatchSize, 0));
    await store.RegisterVersionAsync(new NewModelVersion("warmup", "file:///warmup.json"));

    var run = await store.StartRunAsync("bench");
    var clock = Stopwatch.StartNew();
    for (var b = 0; b < Batches; b++)
    {
        await store.LogMetricsAsync(run.Id, Points(BatchSize, b * BatchSize));
    }

    var batchedPerSecond = BatchSize * Batches / clock.Elapsed.TotalSeconds;

    clock.Restart();
    for (var i = 0; i < SinglePoints; i++)
    {
        await store.LogMetricAsync(run.Id, "single", i, i);
    }

    var singlePerSecond = SinglePoints / clock.Elapsed.TotalSeconds;

    var latencies = new double[Registrations];
    for (var i = 0; i < Registrations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await store.RegisterVersionAsync(new NewModelVersion("sequential", $"file:///models/{i}.json") { RunId = run.Id });
        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    var concurrent = new double[Writers * RegistrationsPerWriter];
    var stores = new IModelStore[Writers];
    for (var w = 0; w < Writers; w++)
    {
        stores[w] = await StoreFactory.OpenAsync(location);
    }

    var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var writers = stores.Select((writer, w) => Task.Run(async () =>
    {
        await gate.Task;
        for (var i = 0; i < RegistrationsPerWriter; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await writer.RegisterVersionAsync(new NewModelVersion("concurrent", $"file:///models/{w}/{i}.json"));
            concurrent[(w * RegistrationsPerWriter) + i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
    })).ToArray();
    clock.Restart();
    gate.SetResult();
    await Task.WhenAll(writers);
    var concurrentPerSecond = concurrent.Length / clock.Elapsed.TotalSeconds;
    foreach (var writer in stores)
    {
        await writer.DisposeAsync();
    }

    var versions = await store.ListVersionsAsync("concurrent");
    if (versions.Count != concurrent.Length || versions[^1].Version != concurrent.Length)
    {
        Console.Error.WriteLine($"{label}: expected versions 1..{concurrent.Length}, found {versions.Count} ending at {versions[^1].Version}");
        return 1;
    }

    rows.Add(string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {batchedPerSecond:N0} | {singlePerSecond:N0} | {Percentile(latencies, 0.50):0.00} | {Percentile(latencies, 0.99):0.00} | {Percentile(concurrent, 0.50):0.00} | {Percentile(concurrent, 0.99):0.00} | {concurrentPerSecond:N0} |"));
    Console.Error.WriteLine($"{label}: done");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| backend | metrics/s, batches of {BatchSize:N0} | metrics/s, one per call | register p50 ms | register p99 ms | register p50 ms, {Writers} writers | register p99 ms, {Writers} writers | registrations/s, {Writers} writers |"));
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var row in rows)
{
    Console.WriteLine(row);
}

return 0;

static MetricPoint[] Points(int count, int firstStep)
{
    var points = new MetricPoint[count];
    var now = DateTimeOffset.UtcNow;
    for (var i = 0; i < count; i++)
    {
        points[i] = new MetricPoint((i & 1) == 0 ? "loss" : "val_loss", 1.0 / (firstStep + i + 1), firstStep + i, now);
    }

    return points;
}

static double Percentile(double[] values, double quantile)
{
    var sorted = (double[])values.Clone();
    Array.Sort(sorted);
    var index = (int)Math.Ceiling(quantile * sorted.Length) - 1;
    return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using ModelOps.Core.Analytics;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Auth;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

// The analytics benchmark of bench/analytics.sh.
//   fill DATABASE REPO_ROOT ARTIFACTS ROWS DAYS LABELS   a group 'bench' (champion 60 %, challenger 40 %, a shadow) with ROWS rows
//                                                       over the last DAYS days (through the store, with its statistics) and
//                                                       LABELS of them labelled; prints a viewer token
//   allocations DATABASE CALLS                          the bytes one 7-day report allocates in process (statistics read from
//                                                       the store and merged into the report), averaged over CALLS reports
//   query URL TOKEN PID CALLS                           GET analytics of the last 7 days CALLS times one after the other, then
//                                                       8 at once CALLS times; latency percentiles and the hub's (PID) memory
return args switch
{
    ["fill", var database, var root, var artifacts, var rows, var days, var labels] => await FillAsync(database, root, artifacts, int.Parse(rows, CultureInfo.InvariantCulture), int.Parse(days, CultureInfo.InvariantCulture), int.Parse(labels, CultureInfo.InvariantCulture)),
    ["allocations", var database, var calls] => await AllocationsAsync(database, int.Parse(calls, CultureInfo.InvariantCulture)),
    ["query", var url, var token, var pid, var calls] => await QueryAsync(new Uri(url), token, int.Parse(pid, CultureInfo.InvariantCulture), int.Parse(calls, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: analytics fill DATABASE REPO_ROOT ARTIFACTS ROWS DAYS LABELS | analytics allocations DATABASE CALLS | analytics query URL TOKEN PID CALLS");
    return 2;
}

static async Task<int> FillAsync(string database, string root, string artifacts, int rows, int days, int labels)
{
    var data = Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv"));
    string[] inputs = ["season", "hr", "weekday", "workingday", "weathersit", "temp", "hum", "windspeed"];
    await using var store = await StoreFactory.OpenAsync(database, new StoreOptions { ArtifactRoot = artifacts });
    for (var v = 0; v < 3; v++)
    {
        var run = await store.StartRunAsync("bench", new RunStart { Name = $"analytics v{v + 1}" });
        var model = new Model([new PassthroughStep(inputs)], new GradientBoostingRegressorOptions { MaxIter = 10 + (10 * v), Seed = v });
        model.Fit(data.Select(inputs), data["cnt"]);
        await store.RegisterAsync(new ModelRegistration("bike", model, run.Id));
        await store.EndRunAsync(run.Id, RunStatus.Finished);
    }

    await store.Groups.CreateGroupAsync(new NewModelGroup("bench",
        [new GroupMember("bike", 1, GroupRole.Champion, 60), new GroupMember("bike", 2, GroupRole.Challenger, 40), new GroupMember("bike", 3, GroupRole.Shadow, 0)],
        GroupDeletionPolicy.Delete), "bench");

    // Requests spread evenly over the window ending now; each scored by the champion or the challenger, and by the shadow.
    var random = new Random(7);
    var end = DateTimeOffset.UtcNow;
    var start = end.AddDays(-days);
    var clock = Stopwatch.StartNew();
    var batch = new List<InferenceRecord>(5000);
    var requests = rows / 2;
    for (var i = 0; i < requests; i++)
    {
        var time = start.AddTicks((end - start).Ticks / requests * i);
        var served = random.NextDouble() < 0.6 ? 1 : 2;
        var truth = 200.0 + (150.0 * random.NextDouble());
        var id = i.ToString(CultureInfo.InvariantCulture);
        batch.Add(Record(id, time, served, served == 1 ? GroupRole.Champion : GroupRole.Challenger, truth + (30.0 * served * (random.NextDouble() - 0.5)), 2.0 + (10.0 * random.NextDouble())));
        batch.Add(Record(id, time, 3, GroupRole.Shadow, truth + (45.0 * (random.NextDouble() - 0.5)), 3.0 + (10.0 * random.NextDouble())));
        if (batch.Count >= 5000)
        {
            await store.InferenceLog.AppendInferencesAsync(batch);
            batch.Clear();
        }
    }

    await store.InferenceLog.AppendInferencesAsync(batch);
    var appended = clock.Elapsed;
    for (var l = 0; l < labels; l++)
    {
        var request = (requests - 1 - (l * (requests / Math.Max(1, labels)))).ToString(CultureInfo.InvariantCulture);
        await store.InferenceLog.SetLabelAsync("bench", request, null, 200.0 + (150.0 * random.NextDouble()));
    }

    var token = await store.Tokens.CreateTokenAsync("bench-viewer", TokenRole.Viewer);
    Console.WriteLine(token.Secret);
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"analytics fill: {rows:N0} rows over {days} days appended in {appended.TotalSeconds:F0} s ({rows / appended.TotalSeconds:N0} rows/s with their statistics), {labels:N0} requests labelled in {(clock.Elapsed - appended).TotalSeconds:F0} s"));
    return 0;

    static InferenceRecord Record(string request, DateTimeOffset time, int version, GroupRole role, double prediction, double latency) =>
        new("bench", request, 0, time, "bike", version, role, null, """{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0}""", prediction, null, null, latency, null);
}

static async Task<int> AllocationsAsync(string database, int calls)
{
    await using var store = await StoreFactory.OpenAsync(database, new StoreOptions());
    var options = new AnalyticsOptions { ChampionModel = "bike", ChampionVersion = 1, BucketSize = TimeSpan.FromHours(1) };
    var to = DateTimeOffset.UtcNow;
    async Task<int> ReportAsync()
    {
        var cells = await store.InferenceLog.ReadStatisticsAsync("bench", to.AddDays(-7), to, options.BucketSize);
        GroupAnalytics.FromStatistics(cells, ModelTask.Regression, options);
        return cells.Count;
    }

    for (var i = 0; i < 5; i++)
    {
        await ReportAsync();
    }

    var before = GC.GetTotalAllocatedBytes(precise: true);
    var cellCount = 0;
    for (var i = 0; i < calls; i++)
    {
        cellCount = await ReportAsync();
    }

    var perCall = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)calls;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| 7 days, store read + report in process ({calls}) | | | {perCall / 1048576.0:F2} MB allocated per report ({cellCount:N0} cells) |"));
    return 0;
}

static async Task<int> QueryAsync(Uri url, string token, int pid, int calls)
{
    using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var to = DateTimeOffset.UtcNow;
    var week = $"/api/groups/bench/analytics?from={to.AddDays(-7):yyyy-MM-ddTHH:mm:ssZ}&to={to:yyyy-MM-ddTHH:mm:ssZ}&bucket=1h";
    var halfDay = $"from={to.AddHours(-12):yyyy-MM-ddTHH:mm:ssZ}&to={to:yyyy-MM-ddTHH:mm:ssZ}&bucket=1h";

    async Task<double> TimeAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    for (var i = 0; i < 10; i++)
    {
        await TimeAsync(week);
    }

    var sequential = new List<double>();
    for (var i = 0; i < calls; i++)
    {
        sequential.Add(await TimeAsync(week));
    }

    // 8 at once, while the hub's resident memory is sampled every 5 ms.
    var concurrent = new List<double>();
    var (before, peak) = await SampleMemoryAsync(pid, async () =>
    {
        for (var i = 0; i < calls; i++)
        {
            concurrent.AddRange(await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TimeAsync(week))));
        }
    });

    // Side by side on a 12-hour window: the report from the statistics and the exact one from the rows (after the
    // concurrent calls: the exact reports' rows make the GC keep a larger heap, which is theirs, not the statistics').
    var servedHalfDay = new List<double>();
    var exactHalfDay = new List<double>();
    var (exactBefore, exactPeak) = await SampleMemoryAsync(pid, async () =>
    {
        for (var i = 0; i < 5; i++)
        {
            servedHalfDay.Add(await TimeAsync("/api/groups/bench/analytics?" + halfDay));
            exactHalfDay.Add(await TimeAsync("/api/groups/bench/analytics?exact=true&" + halfDay));
        }
    });

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| 7 days, 1 call at a time ({calls}) | {Percentile(sequential, 50):F1} | {Percentile(sequential, 99):F1} | |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| 7 days, 8 calls at once ({calls} rounds) | {Percentile(concurrent, 50):F1} | {Percentile(concurrent, 99):F1} | {Memory(before, peak)} |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| 12 hours: served / exact=true (5 each) | {Percentile(servedHalfDay, 50):F1} / {Percentile(exactHalfDay, 50):F1} | {servedHalfDay.Max():F1} / {exactHalfDay.Max():F1} | exact is {Percentile(exactHalfDay, 50) / Percentile(servedHalfDay, 50):F0}x slower; {Memory(exactBefore, exactPeak)} |"));
    return 0;
}

// Runs the calls while the process's resident memory is sampled every 5 ms: (before, peak).
static async Task<(long Before, long Peak)> SampleMemoryAsync(int pid, Func<Task> calls)
{
    await Task.Delay(2000);
    var before = Rss(pid);
    var peak = before;
    using var stop = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, Rss(pid));
            await Task.Delay(5);
        }
    });
    await calls();
    stop.Cancel();
    await sampler;
    return (before, peak);
}

static string Memory(long before, long peak) =>
    string.Create(CultureInfo.InvariantCulture, $"{before / 1048576.0:F0} MB before, peak {peak / 1048576.0:F0} MB (+{(peak - before) / 1048576.0:F0} MB)");

static long Rss(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    return 0;
}

static double Percentile(List<double> values, double percent)
{
    var sorted = values.Order().ToArray();
    var h = percent / 100.0 * (sorted.Length - 1);
    var below = (int)Math.Floor(h);
    var above = Math.Min(below + 1, sorted.Length - 1);
    return sorted[below] + ((sorted[above] - sorted[below]) * (h - below));
}

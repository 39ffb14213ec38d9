using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;
using Xunit.Abstractions;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>
/// The report served from per-cell statistics (<see cref="GroupAnalytics.FromStatistics"/>) against the exact report of
/// the same rows (<see cref="GroupAnalytics.Compute"/>) on 1,000,000 rows: counts equal, sum-based figures equal up to
/// rounding, latency percentiles within 1 %, the ROC AUC within the bound it states (the bounds of docs/hub-analytics.md).
/// </summary>
public sealed class StatisticsReportTests(ITestOutputHelper output)
{
    private const int Rows = 1_000_000;
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ModelTask.BinaryClassification, 11UL)]
    [InlineData(ModelTask.Regression, 12UL)]
    public void FromStatistics_MillionRowsInMinuteCells_EqualsTheExactReportWithinTheStatedBounds(ModelTask task, ulong seed)
    {
        var rows = Generate(task, seed);
        var options = new AnalyticsOptions { ChampionModel = "m", ChampionVersion = 1, BucketSize = TimeSpan.FromHours(6) };

        var exact = GroupAnalytics.Compute(rows, task, options);
        var served = GroupAnalytics.FromStatistics(Cells(rows, task), task, options);

        Assert.Equal((exact.Rows, exact.From, exact.To, exact.Confidence, exact.BucketSeconds), (served.Rows, served.From, served.To, served.Confidence, served.BucketSeconds));
        Assert.Equal(exact.Models.Count, served.Models.Count);
        var worstLatency = 0.0;
        for (var m = 0; m < exact.Models.Count; m++)
        {
            var (e, s) = (exact.Models[m], served.Models[m]);
            Assert.Equal((e.Model, e.Version, e.Role, e.IsChampion, e.Requests, e.Errors, e.Labelled), (s.Model, s.Version, s.Role, s.IsChampion, s.Requests, s.Errors, s.Labelled));
            Same(e.ErrorRate, s.ErrorRate);
            Same(e.MeanPrediction, s.MeanPrediction);
            Assert.Equal(e.MeanProbability is null, s.MeanProbability is null);
            if (e.MeanProbability is not null)
            {
                Same(e.MeanProbability, s.MeanProbability!);
            }

            Assert.Equal((e.Latency.N, 0.0, LatencySketch.RelativeAccuracy), (s.Latency.N, e.Latency.RelativeError, s.Latency.RelativeError));
            Assert.Equal(e.Latency.Max, s.Latency.Max);
            Assert.Equal(e.Latency.Mean!.Value, s.Latency.Mean!.Value, 1e-9 * e.Latency.Mean.Value);
            foreach (var (exactValue, servedValue) in new[] { (e.Latency.P50, s.Latency.P50), (e.Latency.P95, s.Latency.P95), (e.Latency.P99, s.Latency.P99) })
            {
                var relative = Math.Abs(servedValue!.Value - exactValue!.Value) / exactValue.Value;
                worstLatency = Math.Max(worstLatency, relative);
                Assert.True(relative <= LatencySketch.RelativeAccuracy, $"{e.Model} v{e.Version}: latency percentile {servedValue} is {relative:P3} from {exactValue}");
            }

            if (task == ModelTask.BinaryClassification)
            {
                var (ec, sc) = (e.Classification!, s.Classification!);
                Same(ec.Accuracy, sc.Accuracy);
                Same(ec.LogLoss, sc.LogLoss);
                Same(ec.Brier, sc.Brier);
                var bound = sc.RocAuc.ErrorBound!.Value;
                output.WriteLine($"v{e.Version}: AUC exact {ec.RocAuc.Value:F6}, served {sc.RocAuc.Value:F6}, stated bound {bound:E2}; interval [{ec.RocAuc.Lower:F5}, {ec.RocAuc.Upper:F5}] vs [{sc.RocAuc.Lower:F5}, {sc.RocAuc.Upper:F5}]");
                Assert.Null(ec.RocAuc.ErrorBound);
                Assert.InRange(bound, 0.0, 1e-3);
                Assert.InRange(sc.RocAuc.Value!.Value, ec.RocAuc.Value!.Value - bound, ec.RocAuc.Value.Value + bound);
                Assert.Equal(ec.RocAuc.Lower!.Value, sc.RocAuc.Lower!.Value, 2 * bound);
                Assert.Equal(ec.RocAuc.Upper!.Value, sc.RocAuc.Upper!.Value, 2 * bound);
            }
            else
            {
                var (er, sr) = (e.Regression!, s.Regression!);
                Same(er.Rmse, sr.Rmse);
                Same(er.Mae, sr.Mae);
                Same(er.R2, sr.R2);
            }
        }

        output.WriteLine($"{task}: worst latency percentile error {worstLatency:P3} (bound {LatencySketch.RelativeAccuracy:P0})");
        Assert.Equal(exact.Comparisons.Count, served.Comparisons.Count);
        for (var c = 0; c < exact.Comparisons.Count; c++)
        {
            var (e, s) = (exact.Comparisons[c], served.Comparisons[c]);
            Assert.Equal((e.Model, e.Version, e.Pairs, e.Verdict, e.Loss), (s.Model, s.Version, s.Pairs, s.Verdict, s.Loss));
            Assert.Equal(e.MeanDifference!.Value, s.MeanDifference!.Value, 1e-9);
            Assert.Equal(e.Lower!.Value, s.Lower!.Value, 1e-9);
            Assert.Equal(e.Upper!.Value, s.Upper!.Value, 1e-9);
        }

        Assert.Contains(exact.Comparisons, c => c.Verdict == Verdicts.ChampionBetter);
        Assert.Equal(exact.Buckets.Select(b => b.Start), served.Buckets.Select(b => b.Start));
        for (var b = 0; b < exact.Buckets.Count; b++)
        {
            for (var m = 0; m < exact.Buckets[b].Models.Count; m++)
            {
                var (e, s) = (exact.Buckets[b].Models[m], served.Buckets[b].Models[m]);
                Assert.Equal((e.Model, e.Version, e.Requests, e.Errors, e.Labelled, e.Metric), (s.Model, s.Version, s.Requests, s.Errors, s.Labelled, s.Metric));
                Assert.Equal(e.MeanPrediction!.Value, s.MeanPrediction!.Value, 1e-9 * Math.Max(1.0, Math.Abs(e.MeanPrediction.Value)));
                Assert.Equal(e.MetricValue!.Value, s.MetricValue!.Value, 1e-9 * Math.Max(1.0, e.MetricValue.Value));
                Assert.InRange(s.LatencyP95!.Value, e.LatencyP95!.Value * (1 - LatencySketch.RelativeAccuracy), e.LatencyP95.Value * (1 + LatencySketch.RelativeAccuracy));
            }
        }

        Assert.Equal(
            exact.Issues.Select(i => (i.Model, i.Version, i.Field, i.Problem, i.Count)).Order(),
            served.Issues.Select(i => (i.Model, i.Version, i.Field, i.Problem, i.Count)).Order());
        Assert.NotEmpty(served.Issues);
        Assert.All(served.Issues, i => Assert.Null(i.FirstRow));
    }

    [Theory]
    [InlineData(ModelTask.Regression)]
    [InlineData(ModelTask.BinaryClassification)]
    public void FromStatistics_EqualValuesFarFromZero_KeepTheirZeroSpreadLikeTheExactReport(ModelTask task)
    {
        // One record sent again and again (a load test): every prediction, probability and label equal.
        var rows = new List<ScoredRow>();
        for (var i = 0; i < 20_000; i++)
        {
            var (prediction, probability, label) = task == ModelTask.Regression ? (83.8105893253182, (double?)null, 120.25) : (1.0, 0.8374619283, 1.0);
            rows.Add(new ScoredRow("m", 1 + (i % 2), i % 2 == 0 ? "champion" : "challenger", Start.AddSeconds(i), prediction, probability, i % 3 == 0 ? label : null, 4.75, false));
        }

        var options = new AnalyticsOptions { ChampionModel = "m", ChampionVersion = 1 };
        var statistics = CellStatistics(rows, task);

        // Labels that arrive later take each row out of its cell and put it back: equal values stay exactly equal.
        foreach (var ((_, version, _, minute), cell) in statistics)
        {
            var start = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
            var row = rows.First(r => r.Version == version && r.Timestamp >= start && r.Timestamp < start.AddMinutes(1));
            cell.Apply(row, task, -1);
            cell.Apply(row, task);
        }

        var cells = Cells(statistics);
        var exact = GroupAnalytics.Compute(rows, task, options);
        var served = GroupAnalytics.FromStatistics(cells, task, options);

        ModelOps.Store.Tests.Infrastructure.ReportAssert.Equivalent(exact, served);
        Assert.Equal(exact.Models[0].MeanPrediction, served.Models[0].MeanPrediction);
        Assert.EndsWith("the interval has zero width", served.Models[0].MeanPrediction.Reason ?? served.Models[0].MeanProbability!.Reason);
    }

    [Fact]
    public void Moments_AddTakeAwayAndMerge_EqualTwoPassFigures()
    {
        var random = new TestRandom(9);
        var values = Enumerable.Range(0, 1000).Select(_ => 1e6 + random.NextNormal()).ToArray();
        var left = default(Moments);
        var right = default(Moments);
        foreach (var v in values[..400])
        {
            left.Add(v);
        }

        foreach (var v in values[400..])
        {
            right.Add(v);
        }

        // A label that changes takes its row's value away and adds the new one.
        right.Add(1e6 + 2.5);
        right.Add(1e6 + 2.5, -1);
        left.Merge(right);

        var (mean, deviation) = Intervals.MeanAndDeviation(values);
        Assert.Equal(1000, left.N);
        Assert.Equal(mean, left.Mean, 1e-9);
        Assert.Equal(deviation, left.Deviation, 1e-9);
    }

    [Fact]
    public void Apply_ALabelTakenAwayAndSetAgain_EqualsTheStatisticsOfTheRowsWithTheNewLabel()
    {
        var rows = Generate(ModelTask.BinaryClassification, 5).Take(2000).ToList();
        var relabelled = rows.ConvertAll(r => r.Label is null ? r with { Label = 1.0 - Math.Round(r.Prediction is 0.0 or 1.0 ? r.Prediction : 0.0) } : r);
        var statistics = new OutcomeStatistics();
        foreach (var row in rows)
        {
            statistics.Apply(row, ModelTask.BinaryClassification);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (!ReferenceEquals(rows[i], relabelled[i]))
            {
                statistics.Apply(rows[i], ModelTask.BinaryClassification, -1);
                statistics.Apply(relabelled[i], ModelTask.BinaryClassification);
            }
        }

        var direct = new OutcomeStatistics();
        foreach (var row in relabelled)
        {
            direct.Apply(row, ModelTask.BinaryClassification);
        }

        var options = new AnalyticsOptions { ChampionModel = "m", ChampionVersion = 1 };
        var a = GroupAnalytics.FromStatistics([new StatisticsCell("m", 1, "champion", Start, statistics.ToBytes())], ModelTask.BinaryClassification, options).Models[0];
        var b = GroupAnalytics.FromStatistics([new StatisticsCell("m", 1, "champion", Start, direct.ToBytes())], ModelTask.BinaryClassification, options).Models[0];
        Assert.Equal((b.Requests, b.Labelled, b.Classification!.Accuracy, b.Classification.RocAuc), (a.Requests, a.Labelled, a.Classification!.Accuracy, a.Classification.RocAuc));
        Assert.Equal(b.Classification.LogLoss.Value!.Value, a.Classification.LogLoss.Value!.Value, 1e-12);
        Assert.Equal(direct.Issues, statistics.Issues);
    }

    [Fact]
    public void ToBytes_RoundTrip_KeepsEveryFigure_AndOtherLayoutsAreRefused()
    {
        var statistics = new OutcomeStatistics();
        foreach (var row in Generate(ModelTask.Regression, 6).Take(5000))
        {
            statistics.Apply(row, ModelTask.Regression);
        }

        var bytes = statistics.ToBytes();

        Assert.Equal(bytes, OutcomeStatistics.FromBytes(bytes).ToBytes());
        var other = (byte[])bytes.Clone();
        other[0] = 9;
        Assert.Equal("statistics of layout 9; this version reads layout 1", Assert.Throws<FormatException>(() => OutcomeStatistics.FromBytes(other)).Message);
        Assert.Equal("the statistics end too early", Assert.Throws<FormatException>(() => OutcomeStatistics.FromBytes(bytes[..40])).Message);
    }

    [Fact]
    public void FromBytes_LatencyBucketsInAnyOrder_ReadTheSame_AndBucketsOutsideTheSketchAreRefused()
    {
        var statistics = new OutcomeStatistics();
        foreach (var row in Generate(ModelTask.Regression, 7).Take(5000))
        {
            statistics.Apply(row, ModelTask.Regression);
        }

        var bytes = statistics.ToBytes();

        // The latency sketch follows layout 1's fixed part (273 bytes) and its zero count: its buckets as (index, count) pairs.
        const int Buckets = 273 + 8;
        var pairs = BitConverter.ToInt32(bytes, Buckets);
        Assert.True(pairs > 10, $"{pairs} latency buckets");
        var (first, last) = (Buckets + 4, Buckets + 4 + ((pairs - 1) * 12));
        Assert.True(BitConverter.ToInt32(bytes, first) < BitConverter.ToInt32(bytes, last), "buckets are written in index order");
        var reversed = (byte[])bytes.Clone();
        bytes.AsSpan(first, 12).CopyTo(reversed.AsSpan(last));
        bytes.AsSpan(last, 12).CopyTo(reversed.AsSpan(first));
        Assert.Equal(bytes, OutcomeStatistics.FromBytes(reversed).ToBytes());

        var outside = (byte[])bytes.Clone();
        BitConverter.GetBytes(40_000).CopyTo(outside, first);
        Assert.Equal("a latency bucket 40000 outside the sketch's buckets -690 to 35488",
            Assert.Throws<FormatException>(() => OutcomeStatistics.FromBytes(outside)).Message);
    }

    [Fact]
    public void Merge_FromBytes_EqualsMergingTheStatistics()
    {
        var rows = Generate(ModelTask.BinaryClassification, 8).Take(4000).ToList();
        var (left, right) = (new OutcomeStatistics(), new OutcomeStatistics());
        for (var i = 0; i < rows.Count; i++)
        {
            (i % 3 == 0 ? left : right).Apply(rows[i], ModelTask.BinaryClassification);
        }

        var fromBytes = OutcomeStatistics.FromBytes(left.ToBytes());
        fromBytes.Merge(right.ToBytes());
        left.Merge(right);

        Assert.Equal(left.ToBytes(), fromBytes.ToBytes());
        Assert.Equal((left.Requests, left.First, left.Last), OutcomeStatistics.Summary(left.ToBytes()));
    }

    // Same figure: the interval ends equal up to rounding (sums of a million values against two passes).
    private static void Same(Estimate exact, Estimate served)
    {
        Assert.Equal((exact.N, exact.Method, exact.Reason, exact.ErrorBound), (served.N, served.Method, served.Reason, served.ErrorBound));
        foreach (var (e, s) in new[] { (exact.Value, served.Value), (exact.Lower, served.Lower), (exact.Upper, served.Upper) })
        {
            Assert.Equal(e is null, s is null);
            if (e is { } x)
            {
                Assert.Equal(x, s!.Value, 1e-9 * Math.Max(1.0, Math.Abs(x)));
            }
        }
    }

    // One cell per model version, role and minute, as the store keeps them.
    private static List<StatisticsCell> Cells(List<ScoredRow> rows, ModelTask task) => Cells(CellStatistics(rows, task));

    // Through the bytes the store keeps.
    private static List<StatisticsCell> Cells(Dictionary<(string, int, string, long), OutcomeStatistics> cells) =>
        [.. cells.Select(c => new StatisticsCell(c.Key.Item1, c.Key.Item2, c.Key.Item3, DateTimeOffset.FromUnixTimeSeconds(c.Key.Item4 * 60), c.Value.ToBytes()))];

    // The statistics of each model version, role and minute.
    private static Dictionary<(string, int, string, long), OutcomeStatistics> CellStatistics(List<ScoredRow> rows, ModelTask task)
    {
        var cells = new Dictionary<(string, int, string, long), OutcomeStatistics>();
        foreach (var row in rows)
        {
            var minute = row.Timestamp.ToUnixTimeSeconds() / 60;
            var key = (row.Model, row.Version, row.Role, minute);
            if (!cells.TryGetValue(key, out var statistics))
            {
                cells.Add(key, statistics = new OutcomeStatistics());
            }

            statistics.Apply(row, task);
        }

        return cells;
    }

    // Three versions over three days: a champion, a worse challenger, a shadow turned challenger; 60 % labelled,
    // 1 % failed, a few invalid values; latencies log-normal around 8 ms.
    private static List<ScoredRow> Generate(ModelTask task, ulong seed)
    {
        var random = new TestRandom(seed);
        var rows = new List<ScoredRow>(Rows);
        var span = TimeSpan.FromDays(3).Ticks;
        for (var i = 0; i < Rows; i++)
        {
            var time = Start.AddTicks(span * i / Rows);
            var pick = random.NextDouble();
            var (version, noise, role) = pick < 0.6 ? (1, 1.0, "champion") : pick < 0.85 ? (2, 1.3, "challenger") : (3, 1.0, time < Start.AddDays(2) ? "shadow" : "challenger");
            var latency = Math.Exp(Math.Log(8.0) + (0.5 * random.NextNormal()));
            var error = random.NextDouble() < 0.01;
            var labelled = random.NextDouble() < 0.6;
            double prediction;
            double? probability = null, label = null;
            if (task == ModelTask.BinaryClassification)
            {
                var y = random.NextDouble() < 0.3 ? 1.0 : 0.0;
                var p = 1.0 / (1.0 + Math.Exp(-((2.0 * (y - 0.3)) - 0.85 + (noise * random.NextNormal()))));
                probability = p;
                prediction = p > 0.5 ? 1.0 : 0.0;
                label = labelled ? y : null;
            }
            else
            {
                var y = 200.0 + (150.0 * random.NextNormal());
                prediction = y + (30.0 * noise * random.NextNormal());
                label = labelled ? y : null;
            }

            if (i % 50_000 == 7)
            {
                latency = double.NaN;
            }

            if (i % 70_000 == 3)
            {
                label = task == ModelTask.BinaryClassification ? 2.0 : double.PositiveInfinity;
            }

            rows.Add(new ScoredRow("m", version, role, time, prediction, probability, label, latency, error));
        }

        return rows;
    }
}

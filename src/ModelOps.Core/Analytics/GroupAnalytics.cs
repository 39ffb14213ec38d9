using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;

namespace ModelOps.Core.Analytics;

/// <summary>
/// Comparative analytics of the model versions of a group from their logged rows: pure computation, no I/O.
/// Methods, formulas and references: docs/hub-analytics.md.
/// </summary>
public static class GroupAnalytics
{
    /// <summary>The <see cref="ChallengerComparison.Method"/> of every comparison.</summary>
    public const string ConfidenceSequenceMethod = "asymptotic_confidence_sequence";

    /// <summary>The per-row loss compared for regression.</summary>
    public const string SquaredErrorLoss = "squared_error";

    /// <summary>The per-row loss compared for classification.</summary>
    public const string LogLossLoss = "log_loss";

    /// <summary>
    /// Computes the report of <paramref name="rows"/>: per model version side by side, per time bucket, and each
    /// challenger's anytime-valid verdict against the champion of <paramref name="options"/>.
    /// </summary>
    /// <param name="rows">The logged rows, in any order; unusable values are left out and listed in <see cref="GroupAnalyticsReport.Issues"/>.</param>
    /// <param name="task">Regression or classification.</param>
    /// <param name="options">The champion, bucket size and confidence.</param>
    /// <returns>The report; every number in it is finite or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (every problem listed), a row is null or has no model name.</exception>
    public static GroupAnalyticsReport Compute(IReadOnlyList<ScoredRow> rows, ModelTask task, AnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(task))
        {
            throw new ArgumentOutOfRangeException(nameof(task), task, "task must be Regression or Classification.");
        }

        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid analytics options: {string.Join("; ", problems)}.", nameof(options));
        }

        var issues = new IssueLog();
        var groups = new Dictionary<(string Model, int Version), List<CleanRow>>();
        DateTimeOffset? from = null, to = null;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i] ?? throw new ArgumentException($"rows[{i}] is null.", nameof(rows));
            if (string.IsNullOrWhiteSpace(row.Model))
            {
                throw new ArgumentException($"rows[{i}].Model is empty: every row needs the name of the model that scored it.", nameof(rows));
            }

            var key = (row.Model, row.Version);
            if (!groups.TryGetValue(key, out var list))
            {
                list = [];
                groups.Add(key, list);
            }

            list.Add(CleanRow.Of(row, i, task, issues));
            from = from is null || row.Timestamp < from ? row.Timestamp : from;
            to = to is null || row.Timestamp > to ? row.Timestamp : to;
        }

        var champion = (options.ChampionModel, options.ChampionVersion);
        var keys = new List<(string Model, int Version)>(groups.Keys);
        keys.Sort((a, b) =>
        {
            var aChampion = a == champion;
            var bChampion = b == champion;
            if (aChampion != bChampion)
            {
                return aChampion ? -1 : 1;
            }

            var byName = string.CompareOrdinal(a.Model, b.Model);
            return byName != 0 ? byName : a.Version.CompareTo(b.Version);
        });

        var models = new List<ModelVersionAnalytics>(keys.Count);
        foreach (var key in keys)
        {
            var list = groups[key];
            list.Sort(static (a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Index.CompareTo(b.Index));
            models.Add(ModelStatistics.Compute(key.Model, key.Version, key == champion, list, task, options.Confidence));
        }

        var comparisons = new List<ChallengerComparison>();
        groups.TryGetValue(champion, out var championRows);
        foreach (var key in keys)
        {
            if (key != champion)
            {
                comparisons.Add(Compare(key, groups[key], champion, championRows, task, options));
            }
        }

        return new GroupAnalyticsReport(
            task,
            options.Confidence,
            options.BucketSize.TotalSeconds,
            from,
            to,
            rows.Count,
            models,
            Buckets(keys, groups, task, options.BucketSize),
            comparisons,
            issues.ToList());
    }

    /// <summary>The per-row losses of the labelled rows, oldest first: squared error, or log loss of the probability.</summary>
    internal static List<double> Losses(List<CleanRow> sortedRows, ModelTask task)
    {
        var losses = new List<double>(sortedRows.Count);
        foreach (var row in sortedRows)
        {
            if (row.Label is not { } label)
            {
                continue;
            }

            if (task == ModelTask.Regression)
            {
                var e = label - row.Prediction!.Value;
                losses.Add(e * e);
            }
            else if (row.Probability is { } p)
            {
                losses.Add(LogLossMetric.Loss(label, p));
            }
        }

        return losses;
    }

    private static ChallengerComparison Compare((string Model, int Version) challenger, List<CleanRow> challengerRows,
        (string Model, int Version) champion, List<CleanRow>? championRows, ModelTask task, AnalyticsOptions options)
    {
        var loss = task == ModelTask.Regression ? SquaredErrorLoss : LogLossLoss;
        if (championRows is null)
        {
            return new ChallengerComparison(challenger.Model, challenger.Version, champion.Model, champion.Version, loss, 0,
                null, null, null, Verdicts.InsufficientData, ConfidenceSequenceMethod,
                $"the champion {champion.Model} version {champion.Version} has no rows");
        }

        var challengerLosses = Losses(challengerRows, task);
        var championLosses = Losses(championRows, task);
        var pairs = Math.Min(challengerLosses.Count, championLosses.Count);
        var sequence = new AsymptoticConfidenceSequence(1.0 - options.Confidence, options.SequenceOptimalPairs);
        for (var k = 0; k < pairs; k++)
        {
            sequence.Add(challengerLosses[k] - championLosses[k]);
        }

        double? mean = pairs > 0 ? sequence.Mean : null;
        if (pairs < options.MinimumPairs)
        {
            return new ChallengerComparison(challenger.Model, challenger.Version, champion.Model, champion.Version, loss, pairs,
                mean, null, null, Verdicts.InsufficientData, ConfidenceSequenceMethod,
                $"{pairs} paired labelled rows (challenger {challengerLosses.Count}, champion {championLosses.Count}); a verdict needs at least {options.MinimumPairs}");
        }

        var half = sequence.HalfWidth;
        var lower = sequence.Mean - half;
        var upper = sequence.Mean + half;
        var verdict = upper < 0.0 ? Verdicts.ChallengerBetter : lower > 0.0 ? Verdicts.ChampionBetter : Verdicts.NoDifferenceYet;
        return new ChallengerComparison(challenger.Model, challenger.Version, champion.Model, champion.Version, loss, pairs,
            sequence.Mean, lower, upper, verdict, ConfidenceSequenceMethod, null);
    }

    private static List<TimeBucket> Buckets(List<(string Model, int Version)> keys,
        Dictionary<(string Model, int Version), List<CleanRow>> groups, ModelTask task, TimeSpan bucketSize)
    {
        var buckets = new SortedDictionary<long, List<BucketModelStats>>();
        var epoch = DateTimeOffset.UnixEpoch.UtcTicks;
        foreach (var key in keys)
        {
            // Rows are sorted by time, so each bucket's rows are one run.
            var rows = groups[key];
            var start = 0;
            while (start < rows.Count)
            {
                var bucket = FloorDiv(rows[start].Timestamp.UtcTicks - epoch, bucketSize.Ticks);
                var end = start + 1;
                while (end < rows.Count && FloorDiv(rows[end].Timestamp.UtcTicks - epoch, bucketSize.Ticks) == bucket)
                {
                    end++;
                }

                if (!buckets.TryGetValue(bucket, out var list))
                {
                    list = [];
                    buckets.Add(bucket, list);
                }

                list.Add(ModelStatistics.Bucket(key.Model, key.Version, rows.GetRange(start, end - start), task));
                start = end;
            }
        }

        var result = new List<TimeBucket>(buckets.Count);
        foreach (var (bucket, list) in buckets)
        {
            result.Add(new TimeBucket(new DateTimeOffset(epoch + (bucket * bucketSize.Ticks), TimeSpan.Zero), list));
        }

        return result;
    }

    private static long FloorDiv(long a, long b)
    {
        var q = Math.DivRem(a, b, out var r);
        return r < 0 ? q - 1 : q;
    }
}

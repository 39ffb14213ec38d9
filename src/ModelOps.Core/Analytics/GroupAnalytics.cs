using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;

namespace ModelOps.Core.Analytics;

/// <summary>
/// Comparative analytics of the model versions of a group from their logged rows: pure computation, no I/O.
/// Methods, formulas and references: docs/hub-analytics.md.
/// </summary>
public static partial class GroupAnalytics
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
        Validate(task, options);

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
        var keys = Ordered(groups.Keys, champion);

        var models = new List<ModelVersionAnalytics>(keys.Count);
        foreach (var key in keys)
        {
            var list = groups[key];
            list.Sort(static (a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Index.CompareTo(b.Index));
            models.Add(ModelStatistics.Compute(key.Model, key.Version, key == champion, list, task, options.Confidence));
        }

        var comparisons = new List<ChallengerComparison>();
        LossSummary? championLosses = groups.TryGetValue(champion, out var championRows) ? LossSummary.Of(Losses(championRows, task)) : null;
        foreach (var key in keys)
        {
            if (key != champion)
            {
                comparisons.Add(Compare(key, LossSummary.Of(Losses(groups[key], task)), champion, championLosses, task, options));
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

    /// <summary>
    /// The verdict of a challenger against the champion from their loss summaries: the two-sample form of the
    /// asymptotic confidence sequence, (m₁ - m₂) ± √(s₁² + s₂²) · margin(n), n = min(n₁, n₂) (docs/hub-analytics.md).
    /// </summary>
    internal static ChallengerComparison Compare((string Model, int Version) challenger, LossSummary challengerLosses,
        (string Model, int Version) champion, LossSummary? championLosses, ModelTask task, AnalyticsOptions options)
    {
        var loss = task == ModelTask.Regression ? SquaredErrorLoss : LogLossLoss;
        if (championLosses is not { } championSummary)
        {
            return new ChallengerComparison(challenger.Model, challenger.Version, champion.Model, champion.Version, loss, 0,
                null, null, null, Verdicts.InsufficientData, ConfidenceSequenceMethod,
                $"the champion {champion.Model} version {champion.Version} has no rows");
        }

        var pairs = Math.Min(challengerLosses.N, championSummary.N);
        double? mean = pairs > 0 ? challengerLosses.Mean - championSummary.Mean : null;
        if (pairs < options.MinimumPairs)
        {
            return new ChallengerComparison(challenger.Model, challenger.Version, champion.Model, champion.Version, loss, pairs,
                mean, null, null, Verdicts.InsufficientData, ConfidenceSequenceMethod,
                $"{pairs} labelled row{(pairs == 1 ? string.Empty : "s")} in the smaller sample (challenger {challengerLosses.N}, champion {championSummary.N}); a verdict needs at least {options.MinimumPairs}");
        }

        var alpha = 1.0 - options.Confidence;
        var half = Math.Sqrt(challengerLosses.Variance + championSummary.Variance)
            * AsymptoticConfidenceSequence.Margin(pairs, AsymptoticConfidenceSequence.OptimalRho2(alpha, options.SequenceOptimalPairs), alpha);
        var difference = mean!.Value;
        var lower = difference - half;
        var upper = difference + half;
        var verdict = upper < 0.0 ? Verdicts.ChallengerBetter : lower > 0.0 ? Verdicts.ChampionBetter : Verdicts.NoDifferenceYet;
        return new ChallengerComparison(challenger.Model, challenger.Version, champion.Model, champion.Version, loss, pairs,
            difference, lower, upper, verdict, ConfidenceSequenceMethod, null);
    }

    /// <summary>The model versions in report order: the champion first, then by model name and version.</summary>
    private static List<(string Model, int Version)> Ordered(IEnumerable<(string Model, int Version)> keys, (string Model, int Version) champion)
    {
        var list = new List<(string Model, int Version)>(keys);
        list.Sort((a, b) =>
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
        return list;
    }

    /// <summary>Checks the task and the options as both Compute methods do.</summary>
    private static void Validate(ModelTask task, AnalyticsOptions options)
    {
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

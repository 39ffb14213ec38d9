using ModelOps.Core.Learning;

namespace ModelOps.Core.Analytics;

/// <summary>The report from the statistics the store keeps per time cell, whatever the number of rows behind them.</summary>
public static partial class GroupAnalytics
{
    /// <summary>
    /// Computes the report of the rows summarised by <paramref name="cells"/>: the same figures as
    /// <see cref="Compute"/> gives for those rows, counts and sums
    /// exactly (up to floating-point rounding), latency percentiles within <see cref="LatencySketch.RelativeAccuracy"/>
    /// and the ROC AUC within its stated <see cref="Estimate.ErrorBound"/>.
    /// </summary>
    /// <param name="cells">Statistics of disjoint rows; each lies within one bucket of <see cref="AnalyticsOptions.BucketSize"/>.</param>
    /// <param name="task">Regression or classification.</param>
    /// <param name="options">The champion, bucket size and confidence.</param>
    /// <returns>The report; issues carry no first row.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or a cell is null or has no model name.</exception>
    /// <exception cref="FormatException">A cell's bytes are not statistics of this version's layout.</exception>
    public static GroupAnalyticsReport FromStatistics(IReadOnlyList<StatisticsCell> cells, ModelTask task, AnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(cells);
        Validate(task, options);
        var models = new Dictionary<(string Model, int Version), (OutcomeStatistics Statistics, string Role, DateTimeOffset Latest)>();
        var buckets = new SortedDictionary<long, Dictionary<(string Model, int Version), OutcomeStatistics>>();
        var epoch = DateTimeOffset.UnixEpoch.UtcTicks;
        DateTimeOffset? from = null, to = null;
        long rows = 0;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i] ?? throw new ArgumentException($"cells[{i}] is null.", nameof(cells));
            if (string.IsNullOrWhiteSpace(cell.Model))
            {
                throw new ArgumentException($"cells[{i}].Model is empty: every cell needs the name of the model that scored its rows.", nameof(cells));
            }

            var bytes = cell.Statistics.Span;
            var (requests, first, last) = OutcomeStatistics.Summary(bytes);
            if (requests == 0)
            {
                continue;
            }

            var key = (cell.Model, cell.Version);
            var latest = last ?? cell.Start;
            if (models.TryGetValue(key, out var seen))
            {
                seen.Statistics.Merge(bytes);
                models[key] = latest >= seen.Latest ? (seen.Statistics, cell.Role, latest) : seen;
            }
            else
            {
                var merged = new OutcomeStatistics();
                merged.Merge(bytes);
                models.Add(key, (merged, cell.Role, latest));
            }

            var bucket = FloorDiv(cell.Start.UtcTicks - epoch, options.BucketSize.Ticks);
            if (!buckets.TryGetValue(bucket, out var inBucket))
            {
                buckets.Add(bucket, inBucket = []);
            }

            if (!inBucket.TryGetValue(key, out var bucketStatistics))
            {
                inBucket.Add(key, bucketStatistics = new OutcomeStatistics());
            }

            bucketStatistics.Merge(bytes, scores: false);
            rows += requests;
            from = first is { } f && (from is null || f < from) ? f : from;
            to = last is { } l && (to is null || l > to) ? l : to;
        }

        var champion = (options.ChampionModel, options.ChampionVersion);
        var keys = Ordered(models.Keys, champion);
        var figures = keys.ConvertAll(key =>
        {
            var (statistics, role, _) = models[key];
            return ModelStatistics.FromStatistics(key.Model, key.Version, role, key == champion, statistics, task, options.Confidence);
        });

        var comparisons = new List<ChallengerComparison>();
        LossSummary? championLosses = models.TryGetValue(champion, out var championStatistics) ? championStatistics.Statistics.Loss(task) : null;
        foreach (var key in keys)
        {
            if (key != champion)
            {
                comparisons.Add(Compare(key, models[key].Statistics.Loss(task), champion, championLosses, task, options));
            }
        }

        var timeBuckets = new List<TimeBucket>(buckets.Count);
        foreach (var (bucket, inBucket) in buckets)
        {
            var stats = new List<BucketModelStats>(inBucket.Count);
            foreach (var key in keys)
            {
                if (inBucket.TryGetValue(key, out var statistics))
                {
                    stats.Add(ModelStatistics.BucketFromStatistics(key.Model, key.Version, statistics, task));
                }
            }

            timeBuckets.Add(new TimeBucket(new DateTimeOffset(epoch + (bucket * options.BucketSize.Ticks), TimeSpan.Zero), stats));
        }

        var issues = new List<RowIssue>();
        foreach (var key in keys)
        {
            foreach (var ((field, problem), count) in models[key].Statistics.Issues.OrderBy(i => i.Key.Field, StringComparer.Ordinal).ThenBy(i => i.Key.Problem, StringComparer.Ordinal))
            {
                issues.Add(new RowIssue(key.Model, key.Version, field, problem, count, null));
            }
        }

        return new GroupAnalyticsReport(task, options.Confidence, options.BucketSize.TotalSeconds, from, to, rows, figures, timeBuckets, comparisons, issues);
    }
}

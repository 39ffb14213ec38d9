namespace ModelOps.Core.Analytics;

/// <summary>What <see cref="GroupAnalytics.Compute"/> compares and how: the champion, the chart buckets, the confidence.</summary>
public sealed record AnalyticsOptions
{
    /// <summary>The champion's model name: every other model version is compared with it.</summary>
    public required string ChampionModel { get; init; }

    /// <summary>The champion's version.</summary>
    public required int ChampionVersion { get; init; }

    /// <summary>The width of a chart bucket; buckets start at whole multiples of it since 1970-01-01T00:00:00Z.</summary>
    /// <value>One hour by default; must be positive.</value>
    public TimeSpan BucketSize { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The confidence level of every interval and of the sequential comparison (which errs with probability 1 - it).</summary>
    /// <value>0.95 by default; must be strictly between 0 and 1.</value>
    public double Confidence { get; init; } = AnalyticsDefaults.Confidence;

    /// <summary>The number of paired rows at which the confidence sequence is tuned to be narrowest.</summary>
    /// <value><see cref="AnalyticsDefaults.SequenceOptimalPairs"/> (500) by default; must be at least 1.</value>
    public int SequenceOptimalPairs { get; init; } = AnalyticsDefaults.SequenceOptimalPairs;

    /// <summary>The fewest paired rows before the sequential comparison gives a verdict (it is asymptotic).</summary>
    /// <value><see cref="AnalyticsDefaults.MinimumPairs"/> (30) by default; must be at least 2.</value>
    public int MinimumPairs { get; init; } = AnalyticsDefaults.MinimumPairs;

    /// <summary>Every problem with these options, each naming the option; empty when they are valid.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ChampionModel))
        {
            problems.Add("ChampionModel: must not be empty");
        }

        if (BucketSize <= TimeSpan.Zero)
        {
            problems.Add($"BucketSize: must be positive, got {BucketSize}");
        }

        if (!(Confidence > 0.0 && Confidence < 1.0))
        {
            problems.Add($"Confidence: must be strictly between 0 and 1, got {Confidence.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (SequenceOptimalPairs < 1)
        {
            problems.Add($"SequenceOptimalPairs: must be at least 1, got {SequenceOptimalPairs}");
        }

        if (MinimumPairs < 2)
        {
            problems.Add($"MinimumPairs: must be at least 2, got {MinimumPairs}");
        }

        return problems;
    }
}

/// <summary>The defaults of <see cref="AnalyticsOptions"/>.</summary>
public static class AnalyticsDefaults
{
    /// <summary>The default confidence level, 0.95.</summary>
    public const double Confidence = 0.95;

    /// <summary>The default number of pairs at which the confidence sequence is narrowest, 500.</summary>
    public const int SequenceOptimalPairs = 500;

    /// <summary>The default fewest pairs before a verdict, 30.</summary>
    public const int MinimumPairs = 30;
}

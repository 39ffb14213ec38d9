using System.Text.Json.Serialization;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Analytics;

/// <summary>
/// The comparative analytics of one model group: every model version side by side, the same figures per time bucket
/// for charts, and a sequential verdict for each challenger against the champion. Every number is finite or
/// <see langword="null"/>, so the record serialises with <c>System.Text.Json</c>'s defaults.
/// </summary>
/// <param name="Task">Regression or classification.</param>
/// <param name="Confidence">The confidence level of every interval and verdict.</param>
/// <param name="BucketSeconds">The width of a time bucket, in seconds.</param>
/// <param name="From">The earliest row's timestamp, or <see langword="null"/> without rows.</param>
/// <param name="To">The latest row's timestamp, or <see langword="null"/> without rows.</param>
/// <param name="Rows">The number of rows analysed.</param>
/// <param name="Models">One entry per model version, the champion first, then by model name and version.</param>
/// <param name="Buckets">The time buckets that hold rows, oldest first.</param>
/// <param name="Comparisons">One verdict per model version other than the champion, in the order of <paramref name="Models"/>.</param>
/// <param name="Issues">Values that were left out, grouped by model version, field and problem.</param>
public sealed record GroupAnalyticsReport(
    [property: JsonConverter(typeof(ReportTaskJsonConverter))] ModelTask Task,
    double Confidence,
    double BucketSeconds,
    DateTimeOffset? From,
    DateTimeOffset? To,
    long Rows,
    IReadOnlyList<ModelVersionAnalytics> Models,
    IReadOnlyList<TimeBucket> Buckets,
    IReadOnlyList<ChallengerComparison> Comparisons,
    IReadOnlyList<RowIssue> Issues);

/// <summary>The figures of one model version over all its rows.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The model version.</param>
/// <param name="Role">The role of its latest row (champion, challenger, shadow).</param>
/// <param name="IsChampion">Whether this is the champion named in the options.</param>
/// <param name="Requests">Rows, failed ones included.</param>
/// <param name="Errors">Rows whose scoring failed.</param>
/// <param name="ErrorRate">Errors / requests, Wilson interval.</param>
/// <param name="MeanPrediction">
/// The mean prediction of the rows that did not fail: a t interval for regression; for classification the share
/// predicted 1, Wilson interval.
/// </param>
/// <param name="MeanProbability">Classification only: the mean P(class 1), t interval; <see langword="null"/> for regression.</param>
/// <param name="Latency">Latency percentiles of every row with a valid latency, failed ones included.</param>
/// <param name="Labelled">Rows that did not fail and have a valid label.</param>
/// <param name="Classification">Quality on the labelled rows (classification), else <see langword="null"/>.</param>
/// <param name="Regression">Quality on the labelled rows (regression), else <see langword="null"/>.</param>
public sealed record ModelVersionAnalytics(
    string Model,
    int Version,
    string Role,
    bool IsChampion,
    long Requests,
    long Errors,
    Estimate ErrorRate,
    Estimate MeanPrediction,
    Estimate? MeanProbability,
    LatencySummary Latency,
    long Labelled,
    ClassificationQuality? Classification,
    RegressionQuality? Regression);

/// <summary>
/// Latency percentiles in milliseconds, as <c>numpy.percentile</c>'s default linear interpolation gives them: exactly
/// from rows, or within <paramref name="RelativeError"/> of that from aggregates (<see cref="LatencySketch"/>).
/// </summary>
/// <param name="N">The number of latencies.</param>
/// <param name="P50">The median, or <see langword="null"/> without latencies.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Mean">The mean.</param>
/// <param name="Max">The largest.</param>
/// <param name="RelativeError">The most the percentiles can differ from the exact ones, relative to them: 0 when computed from rows, <see cref="LatencySketch.RelativeAccuracy"/> from aggregates. The mean and max are exact.</param>
public sealed record LatencySummary(long N, double? P50, double? P95, double? P99, double? Mean, double? Max, double RelativeError = 0.0);

/// <summary>Classification quality on the labelled rows, each with its confidence interval.</summary>
/// <param name="Accuracy">The share of predicted labels equal to the label, Wilson interval.</param>
/// <param name="RocAuc">ROC AUC of the probabilities, DeLong interval; no value with one class only.</param>
/// <param name="LogLoss">Mean -ln P(true class), probabilities clipped to [2⁻⁵², 1 - 2⁻⁵²], t interval.</param>
/// <param name="Brier">Mean (label - probability)², t interval.</param>
public sealed record ClassificationQuality(Estimate Accuracy, Estimate RocAuc, Estimate LogLoss, Estimate Brier);

/// <summary>Regression quality on the labelled rows, each with its confidence interval.</summary>
/// <param name="Rmse">Root mean squared error, delta-method interval.</param>
/// <param name="Mae">Mean absolute error, t interval.</param>
/// <param name="R2">Coefficient of determination, delta-method interval.</param>
public sealed record RegressionQuality(Estimate Rmse, Estimate Mae, Estimate R2);

/// <summary>One chart bucket: the model versions that have rows in it.</summary>
/// <param name="Start">The bucket's start (UTC).</param>
/// <param name="Models">One entry per model version with rows in the bucket, in the order of the report's models.</param>
public sealed record TimeBucket(DateTimeOffset Start, IReadOnlyList<BucketModelStats> Models);

/// <summary>One model version's figures in one time bucket.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The model version.</param>
/// <param name="Requests">Rows in the bucket.</param>
/// <param name="Errors">Failed rows in the bucket.</param>
/// <param name="MeanPrediction">The mean prediction of the rows that did not fail, or <see langword="null"/>.</param>
/// <param name="LatencyP95">The 95th latency percentile, or <see langword="null"/> (from aggregates: within <see cref="LatencySketch.RelativeAccuracy"/> of the exact one).</param>
/// <param name="Labelled">Labelled rows in the bucket.</param>
/// <param name="Metric">The metric charted: <c>accuracy</c> (classification) or <c>rmse</c> (regression).</param>
/// <param name="MetricValue">Its value on the bucket's labelled rows, or <see langword="null"/> without any.</param>
public sealed record BucketModelStats(
    string Model,
    int Version,
    long Requests,
    long Errors,
    double? MeanPrediction,
    double? LatencyP95,
    long Labelled,
    string Metric,
    double? MetricValue);

/// <summary>
/// The anytime-valid comparison of one challenger with the champion: a confidence sequence for the mean difference
/// of per-row losses (challenger minus champion; squared error for regression, log loss for classification), so a
/// negative difference favours the challenger.
/// </summary>
/// <param name="Model">The challenger's model name.</param>
/// <param name="Version">The challenger's version.</param>
/// <param name="ChampionModel">The champion's model name.</param>
/// <param name="ChampionVersion">The champion's version.</param>
/// <param name="Loss">The per-row loss compared: <c>squared_error</c> or <c>log_loss</c>.</param>
/// <param name="Pairs">The smaller of the two labelled counts (the rows with a loss): the sequence's time.</param>
/// <param name="MeanDifference">The challenger's mean loss minus the champion's, or <see langword="null"/> without pairs.</param>
/// <param name="Lower">The lower end of the confidence sequence now, or <see langword="null"/> before <see cref="AnalyticsOptions.MinimumPairs"/>.</param>
/// <param name="Upper">The upper end, or <see langword="null"/>.</param>
/// <param name="Verdict">One of <see cref="Verdicts"/>.</param>
/// <param name="Method">How the interval is computed: <c>asymptotic_confidence_sequence</c>.</param>
/// <param name="Reason">Why there is no verdict yet, or <see langword="null"/>.</param>
public sealed record ChallengerComparison(
    string Model,
    int Version,
    string ChampionModel,
    int ChampionVersion,
    string Loss,
    long Pairs,
    double? MeanDifference,
    double? Lower,
    double? Upper,
    string Verdict,
    string Method,
    string? Reason);

/// <summary>The verdicts of a <see cref="ChallengerComparison"/>.</summary>
public static class Verdicts
{
    /// <summary>The whole confidence sequence is below 0: the challenger's loss is lower.</summary>
    public const string ChallengerBetter = "challenger_better";

    /// <summary>The whole confidence sequence is above 0: the champion's loss is lower.</summary>
    public const string ChampionBetter = "champion_better";

    /// <summary>The confidence sequence holds 0: no difference shown yet.</summary>
    public const string NoDifferenceYet = "no_difference_yet";

    /// <summary>Fewer pairs than <see cref="AnalyticsOptions.MinimumPairs"/> (or no champion rows).</summary>
    public const string InsufficientData = "insufficient_data";
}

/// <summary>A problem with values of some rows, which were left out of the statistics they would have spoiled.</summary>
/// <param name="Model">The model name of the rows.</param>
/// <param name="Version">The model version of the rows.</param>
/// <param name="Field">The field: <c>prediction</c>, <c>probability</c>, <c>label</c> or <c>latencyMs</c>.</param>
/// <param name="Problem">What is wrong and what was left out.</param>
/// <param name="Count">How many rows have it.</param>
/// <param name="FirstRow">The index, in the input list, of the first row that has it; <see langword="null"/> in a report served from aggregates.</param>
public sealed record RowIssue(string Model, int Version, string Field, string Problem, long Count, int? FirstRow);

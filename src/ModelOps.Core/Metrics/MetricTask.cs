namespace ModelOps.Core.Metrics;

/// <summary>The kind of model a metric scores.</summary>
public enum MetricTask
{
    /// <summary>Regression: <c>actual</c> and <c>predicted</c> are any finite numbers.</summary>
    Regression,

    /// <summary>
    /// Binary classification: <c>actual</c> holds labels 0 or 1 and <c>predicted</c> the probability
    /// (or, for ranking metrics, any score) of class 1.
    /// </summary>
    Classification,
}

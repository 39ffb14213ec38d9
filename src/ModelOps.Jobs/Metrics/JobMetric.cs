using ModelOps.Core.Metrics;

namespace ModelOps.Jobs.Metrics;

/// <summary>
/// A metric in a job config, chosen by <c>KIND</c> (<c>{KIND: RootMeanSquaredError, threshold: 80}</c>).
/// The threshold is a bound in the metric's own direction: at least the threshold for a metric where
/// higher is better (<c>r2</c>, <c>roc_auc</c>), at most the threshold where lower is better
/// (<c>rmse</c>, <c>log_loss</c>). Only <see cref="Jobs.EvaluationsJob"/> checks thresholds.
/// </summary>
public abstract record JobMetric
{
    /// <summary>Creates the metric node of catalog metric <paramref name="name"/>.</summary>
    /// <param name="name">The metric's name in <see cref="MetricCatalog"/>.</param>
    protected JobMetric(string name) => Name = name;

    /// <summary>The metric's name in <see cref="MetricCatalog"/> (<c>rmse</c>); also the key it is logged under.</summary>
    public string Name { get; }

    /// <summary>The bound the metric must meet in an evaluation; none when null.</summary>
    public double? Threshold { get; init; }

    /// <summary>The metric that computes the value.</summary>
    public IMetric Metric => MetricCatalog.Get(Name);

    /// <summary>Whether <paramref name="value"/> meets <see cref="Threshold"/> (always true without one; NaN never does).</summary>
    public bool Passes(double value) =>
        Threshold is not { } bound || (Metric.GreaterIsBetter ? value >= bound : value <= bound);

    /// <summary>How the threshold reads: <c>&gt;= 0.8</c> or <c>&lt;= 80</c>; empty without one.</summary>
    public string Bound => Threshold is { } bound
        ? $"{(Metric.GreaterIsBetter ? ">=" : "<=")} {bound.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}"
        : string.Empty;
}

/// <summary>Mean squared error (regression, lower is better).</summary>
public sealed record MeanSquaredError() : JobMetric(MetricNames.MeanSquaredError);

/// <summary>Root mean squared error (regression, lower is better).</summary>
public sealed record RootMeanSquaredError() : JobMetric(MetricNames.RootMeanSquaredError);

/// <summary>Mean absolute error (regression, lower is better).</summary>
public sealed record MeanAbsoluteError() : JobMetric(MetricNames.MeanAbsoluteError);

/// <summary>Coefficient of determination R² (regression, higher is better).</summary>
public sealed record R2() : JobMetric(MetricNames.R2);

/// <summary>Mean absolute percentage error as a fraction (regression, lower is better).</summary>
public sealed record MeanAbsolutePercentageError() : JobMetric(MetricNames.MeanAbsolutePercentageError);

/// <summary>Largest absolute error (regression, lower is better).</summary>
public sealed record MaxError() : JobMetric(MetricNames.MaxError);

/// <summary>Share of correct labels (classification, higher is better).</summary>
public sealed record Accuracy() : JobMetric(MetricNames.Accuracy);

/// <summary>Precision of class 1 (classification, higher is better).</summary>
public sealed record Precision() : JobMetric(MetricNames.Precision);

/// <summary>Recall of class 1 (classification, higher is better).</summary>
public sealed record Recall() : JobMetric(MetricNames.Recall);

/// <summary>F1 score of class 1 (classification, higher is better).</summary>
public sealed record F1() : JobMetric(MetricNames.F1);

/// <summary>Log loss, natural log (classification, lower is better).</summary>
public sealed record LogLoss() : JobMetric(MetricNames.LogLoss);

/// <summary>Area under the ROC curve (classification, higher is better).</summary>
public sealed record RocAuc() : JobMetric(MetricNames.RocAuc);

/// <summary>Average precision (classification, higher is better).</summary>
public sealed record AveragePrecision() : JobMetric(MetricNames.AveragePrecision);

/// <summary>Brier score (classification, lower is better).</summary>
public sealed record Brier() : JobMetric(MetricNames.Brier);

namespace ModelOps.Core.Metrics;

/// <summary>The config names of the metrics in <see cref="Metrics"/>.</summary>
public static class MetricNames
{
    /// <summary>Mean squared error (regression, lower is better).</summary>
    public const string MeanSquaredError = "mse";

    /// <summary>Root mean squared error (regression, lower is better).</summary>
    public const string RootMeanSquaredError = "rmse";

    /// <summary>Mean absolute error (regression, lower is better).</summary>
    public const string MeanAbsoluteError = "mae";

    /// <summary>Coefficient of determination R² (regression, higher is better).</summary>
    public const string R2 = "r2";

    /// <summary>Mean absolute percentage error, as a fraction, not times 100 (regression, lower is better).</summary>
    public const string MeanAbsolutePercentageError = "mape";

    /// <summary>Largest absolute error (regression, lower is better).</summary>
    public const string MaxError = "max_error";

    /// <summary>Share of correct labels (classification, higher is better).</summary>
    public const string Accuracy = "accuracy";

    /// <summary>Share of predicted positives that are positive (classification, higher is better).</summary>
    public const string Precision = "precision";

    /// <summary>Share of positives predicted positive (classification, higher is better).</summary>
    public const string Recall = "recall";

    /// <summary>Harmonic mean of precision and recall (classification, higher is better).</summary>
    public const string F1 = "f1";

    /// <summary>Mean negative log-likelihood of the labels, natural log (classification, lower is better).</summary>
    public const string LogLoss = "log_loss";

    /// <summary>Area under the ROC curve (classification, higher is better).</summary>
    public const string RocAuc = "roc_auc";

    /// <summary>Average precision: the step-wise area under the precision-recall curve (classification, higher is better).</summary>
    public const string AveragePrecision = "average_precision";

    /// <summary>Brier score: mean squared difference between probability and label (classification, lower is better).</summary>
    public const string Brier = "brier";
}

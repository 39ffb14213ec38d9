using ModelOps.Core.Metrics;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>The names metadata documents use: tasks, chart kinds, and the metrics that are fractions.</summary>
internal static class MetadataNames
{
    public const string Regression = "regression";

    public const string BinaryClassification = "binary_classification";

    public const string Roc = "roc";

    public const string PrecisionRecall = "precision_recall";

    public const string FeatureImportance = "feature_importance";

    public const string ConfusionMatrix = "confusion_matrix";

    /// <summary>The task names, in <see cref="Core.Learning.ModelTask"/> order.</summary>
    public static readonly string[] Tasks = [Regression, BinaryClassification];

    /// <summary>
    /// The catalog metrics whose values are shares between 0 and 1: the schema bounds them, and the deterministic mapper
    /// reads a value above 1 (up to 100) as a percentage.
    /// </summary>
    public static readonly string[] FractionMetrics =
    [
        MetricNames.Accuracy, MetricNames.Precision, MetricNames.Recall, MetricNames.F1, MetricNames.RocAuc, MetricNames.AveragePrecision,
    ];
}

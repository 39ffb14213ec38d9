using ModelOps.Core.Data;
using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Core.Scoring;

namespace ModelOps.Core.Search;

/// <summary>What a fitted model hands a metric: values, labels or probabilities.</summary>
internal static class ScoreInput
{
    private static readonly HashSet<string> LabelMetrics = new(StringComparer.OrdinalIgnoreCase)
    {
        MetricNames.Accuracy,
        MetricNames.Precision,
        MetricNames.Recall,
        MetricNames.F1,
    };

    /// <summary>
    /// Regression values; for classification, labels for the label metrics and the probability of
    /// class 1 otherwise (log_loss, roc_auc, average_precision, brier, and any other metric, as
    /// <see cref="IMetric"/> defines classification predictions as probabilities).
    /// </summary>
    public static double[] Predict(IModel model, IMetric metric, Frame inputs) =>
        UsesPredictions(model.Task, metric) ? model.Predict(inputs) : model.PredictProbability(inputs);

    /// <summary>The same choice from scores already computed: <see cref="ModelScores.Predictions"/> or <see cref="ModelScores.Probabilities"/>.</summary>
    public static double[] Of(ModelScores scores, IMetric metric) =>
        UsesPredictions(scores.Task, metric) ? scores.Predictions : scores.Probabilities!;

    private static bool UsesPredictions(ModelTask task, IMetric metric) =>
        task == ModelTask.Regression || LabelMetrics.Contains(metric.Name);
}

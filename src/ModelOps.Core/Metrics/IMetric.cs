using ModelOps.Core.Learning;

namespace ModelOps.Core.Metrics;

/// <summary>
/// A model quality metric, computed exactly as scikit-learn 1.2.1 computes it. Get one by its config
/// name from <see cref="Metrics"/>.
/// </summary>
/// <remarks>
/// <para>
/// Regression metrics take the true values and the predictions. Classification metrics take labels
/// 0 or 1 in <c>actual</c> and, in <c>predicted</c>, the probability of class 1:
/// </para>
/// <list type="bullet">
/// <item><description>
/// label metrics (<c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>) turn each probability into a
/// label: 1 when it is above <see cref="MetricCatalog.LabelThreshold"/> (0.5), else 0, so hard labels 0 and 1
/// pass through unchanged and 0.5 itself counts as 0 (as scikit-learn's <c>predict</c> does);
/// </description></item>
/// <item><description>
/// probability metrics (<c>log_loss</c>, <c>brier</c>) and label metrics need probabilities in [0, 1];
/// </description></item>
/// <item><description>
/// ranking metrics (<c>roc_auc</c>, <c>average_precision</c>) use only the order of the predictions and
/// accept any finite score, such as a decision-function value.
/// </description></item>
/// </list>
/// <para>
/// Invalid input throws <see cref="ArgumentException"/>: lengths that differ, no values, a value that is
/// not finite, a label other than 0 or 1, a probability outside [0, 1], or a metric that is undefined
/// for the data (<c>roc_auc</c> and <c>log_loss</c> when <c>actual</c> holds one class only).
/// Where scikit-learn returns a value with a warning, so does this: <c>r2</c> of a single value is
/// <see cref="double.NaN"/>, <c>precision</c>, <c>recall</c> and <c>f1</c> are 0 when their denominator is 0,
/// <c>average_precision</c> with no positive label is -0.
/// </para>
/// </remarks>
public interface IMetric
{
    /// <summary>The config name, lower case, such as <c>rmse</c> or <c>roc_auc</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Whether a higher score is better (<c>r2</c>, <c>accuracy</c>, <c>roc_auc</c>...) rather than a lower one
    /// (errors and losses).
    /// </summary>
    bool GreaterIsBetter { get; }

    /// <summary>Whether the metric scores regression or binary classification.</summary>
    ModelTask Task { get; }

    /// <summary>Scores <paramref name="predicted"/> against <paramref name="actual"/>, every sample weighing the same.</summary>
    /// <param name="actual">The true values; for classification, labels 0 or 1.</param>
    /// <param name="predicted">
    /// The predictions, as long as <paramref name="actual"/>; for classification, the probability or score of class 1.
    /// </param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentException">The input is invalid or the metric is undefined for it; the message says why.</exception>
    double Score(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted);

    /// <summary>
    /// Scores <paramref name="predicted"/> against <paramref name="actual"/> with sample weights, like scikit-learn's
    /// <c>sample_weight</c>. <c>max_error</c>, which has no weighted form, leaves out samples of weight 0 and ignores
    /// the other weights.
    /// </summary>
    /// <param name="actual">The true values; for classification, labels 0 or 1.</param>
    /// <param name="predicted">The predictions, as long as <paramref name="actual"/>.</param>
    /// <param name="weights">One finite, non-negative weight per sample, not all 0.</param>
    /// <returns>The weighted score.</returns>
    /// <exception cref="ArgumentException">The input or the weights are invalid; the message says why.</exception>
    double Score(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights);
}

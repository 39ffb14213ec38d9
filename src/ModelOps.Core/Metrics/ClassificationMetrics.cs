using ModelOps.Core.Learning;

namespace ModelOps.Core.Metrics;

/// <summary>
/// The sufficient statistics of the label metrics, summed in sample order as <c>np.bincount</c> in
/// <c>sklearn.metrics.multilabel_confusion_matrix</c> sums them, for class 1 (scikit-learn's <c>pos_label=1</c>).
/// </summary>
internal readonly record struct LabelCounts(double TruePositives, double PredictedPositives, double ActualPositives)
{
    /// <summary>
    /// The counts of the labels <paramref name="predicted"/> gives (class 1 when above <see cref="MetricConstants.LabelThreshold"/>).
    /// </summary>
    public static LabelCounts Of(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        double tp = 0.0, predictedSum = 0.0, actualSum = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            var w = weights.IsEmpty ? 1.0 : weights[i];
            var positive = predicted[i] > MetricConstants.LabelThreshold;
            if (positive)
            {
                predictedSum += w;
            }

            if (actual[i] == 1.0)
            {
                actualSum += w;
                if (positive)
                {
                    tp += w;
                }
            }
        }

        // scikit-learn stores fp = pred - tp and fn = true - tp, then adds tp back; with weights that can round.
        var fp = predictedSum - tp;
        var fn = actualSum - tp;
        return new LabelCounts(tp, tp + fp, tp + fn);
    }

    /// <summary>tp / (tp + fp), or 0 when nothing is predicted positive (scikit-learn's <c>zero_division="warn"</c>).</summary>
    public double Precision => PredictedPositives == 0.0 ? 0.0 : TruePositives / PredictedPositives;

    /// <summary>tp / (tp + fn), or 0 when there is no actual positive (scikit-learn's <c>zero_division="warn"</c>).</summary>
    public double Recall => ActualPositives == 0.0 ? 0.0 : TruePositives / ActualPositives;

    /// <summary>2 p r / (p + r), or 0 when p + r is 0, computed in scikit-learn's order.</summary>
    public double F1
    {
        get
        {
            var precision = Precision;
            var recall = Recall;
            var denominator = precision + recall;
            return 2.0 * precision * recall / (denominator == 0.0 ? 1.0 : denominator);
        }
    }
}

/// <summary><c>accuracy</c>: <c>sklearn.metrics.accuracy_score</c> of the thresholded labels, the (weighted) share that are right.</summary>
internal sealed class AccuracyMetric() : Metric(MetricNames.Accuracy, ModelTask.BinaryClassification, greaterIsBetter: true, PredictionKind.Probability)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        using var terms = new PooledDoubles(actual.Length);
        var t = terms.Span;
        for (var i = 0; i < t.Length; i++)
        {
            var label = predicted[i] > MetricConstants.LabelThreshold ? 1.0 : 0.0;
            t[i] = actual[i] == label ? 1.0 : 0.0;
        }

        return NumpySum.Average(t, weights);
    }
}

/// <summary><c>precision</c>: <c>sklearn.metrics.precision_score</c> of the thresholded labels; 0 when no label is predicted 1.</summary>
internal sealed class PrecisionMetric() : Metric(MetricNames.Precision, ModelTask.BinaryClassification, greaterIsBetter: true, PredictionKind.Probability)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights) =>
        LabelCounts.Of(actual, predicted, weights).Precision;
}

/// <summary><c>recall</c>: <c>sklearn.metrics.recall_score</c> of the thresholded labels; 0 when no actual label is 1.</summary>
internal sealed class RecallMetric() : Metric(MetricNames.Recall, ModelTask.BinaryClassification, greaterIsBetter: true, PredictionKind.Probability)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights) =>
        LabelCounts.Of(actual, predicted, weights).Recall;
}

/// <summary><c>f1</c>: <c>sklearn.metrics.f1_score</c> of the thresholded labels; 0 when precision and recall are both 0.</summary>
internal sealed class F1Metric() : Metric(MetricNames.F1, ModelTask.BinaryClassification, greaterIsBetter: true, PredictionKind.Probability)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights) =>
        LabelCounts.Of(actual, predicted, weights).F1;
}

/// <summary>
/// <c>log_loss</c>: <c>sklearn.metrics.log_loss</c> with its 1.2.1 default <c>eps="auto"</c>: probabilities are
/// clipped to [ε, 1 - ε] with ε = 2⁻⁵² (not the 1e-15 of earlier versions), made into the rows
/// <c>[1 - p, p]</c>, renormalised, and the (weighted) mean of <c>-ln</c> of the true class's entry is taken.
/// </summary>
/// <remarks>
/// scikit-learn infers the classes from <c>y_true</c> and raises when it holds one class only; so does this.
/// </remarks>
internal sealed class LogLossMetric() : Metric(MetricNames.LogLoss, ModelTask.BinaryClassification, greaterIsBetter: false, PredictionKind.Probability)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        Classes.RequireBoth(Name, actual);
        using var terms = new PooledDoubles(actual.Length);
        var t = terms.Span;
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = Loss(actual[i], predicted[i]);
        }

        return NumpySum.Average(t, weights);
    }

    /// <summary>
    /// One sample's log loss, <c>-ln</c> of the probability <paramref name="probability"/> of class 1 gives
    /// <paramref name="label"/> (0 or 1): p clipped to [ε, 1 - ε], the row <c>[1 - p, p]</c> renormalised, the true
    /// class's entry taken. The metric averages it; the group analytics compare it row by row.
    /// </summary>
    internal static double Loss(double label, double probability)
    {
        const double eps = MetricConstants.MachineEpsilon;
        var p = Math.Min(Math.Max(probability, eps), 1.0 - eps);
        var q0 = 1.0 - p;
        var sum = q0 + p;
        return label == 1.0 ? -Math.Log(p / sum) : -Math.Log(q0 / sum);
    }
}

/// <summary>
/// <c>brier</c>: <c>sklearn.metrics.brier_score_loss</c>, the (weighted) mean of <c>(actual - p)²</c>.
/// </summary>
internal sealed class BrierMetric() : Metric(MetricNames.Brier, ModelTask.BinaryClassification, greaterIsBetter: false, PredictionKind.Probability)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights) =>
        MeanSquaredErrorMetric.Of(actual, predicted, weights);
}

/// <summary>Checks on the classes present in <c>actual</c>.</summary>
internal static class Classes
{
    /// <summary>Throws unless <paramref name="actual"/> holds both labels 0 and 1 (weights do not count here, as in scikit-learn).</summary>
    public static void RequireBoth(string metric, ReadOnlySpan<double> actual)
    {
        var first = actual[0];
        for (var i = 1; i < actual.Length; i++)
        {
            if (actual[i] != first)
            {
                return;
            }
        }

        MetricErrors.OneClass(metric, actual.Length, first);
    }
}

using System.Buffers;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Metrics;

/// <summary>
/// The points of <c>sklearn.metrics._ranking._binary_clf_curve</c>: for each distinct score, from the highest down,
/// the (weighted) number of negatives and of positives scoring at or above it. Samples of weight 0 are left out,
/// as scikit-learn leaves them out. The arrays are rented: dispose the curve.
/// </summary>
internal ref struct ThresholdCurve : IDisposable
{
    private double[]? _falsePositives;
    private double[]? _truePositives;

    private ThresholdCurve(double[] falsePositives, double[] truePositives, int count)
    {
        _falsePositives = falsePositives;
        _truePositives = truePositives;
        FalsePositives = falsePositives.AsSpan(0, count);
        TruePositives = truePositives.AsSpan(0, count);
    }

    /// <summary>Negatives scoring at or above each threshold, increasing.</summary>
    public Span<double> FalsePositives { get; }

    /// <summary>Positives scoring at or above each threshold, increasing.</summary>
    public Span<double> TruePositives { get; }

    /// <summary>The number of distinct thresholds.</summary>
    public readonly int Count => FalsePositives.Length;

    /// <summary>Sorts the samples by score once and accumulates the counts at every distinct score.</summary>
    public static ThresholdCurve Build(ReadOnlySpan<double> actual, ReadOnlySpan<double> scores, ReadOnlySpan<double> weights)
    {
        var n = 0;
        var keys = ArrayPool<double>.Shared.Rent(actual.Length);
        var rows = ArrayPool<int>.Shared.Rent(actual.Length);
        try
        {
            for (var i = 0; i < actual.Length; i++)
            {
                if (weights.IsEmpty || weights[i] != 0.0)
                {
                    keys[n] = scores[i];
                    rows[n] = i;
                    n++;
                }
            }

            var sortedScores = keys.AsSpan(0, n);
            var sortedRows = rows.AsSpan(0, n);
            sortedScores.Sort(sortedRows);

            var falsePositives = ArrayPool<double>.Shared.Rent(n);
            var truePositives = ArrayPool<double>.Shared.Rent(n);
            double tp = 0.0, fp = 0.0;
            var count = 0;
            for (var k = n - 1; k >= 0; k--)
            {
                var row = sortedRows[k];
                var w = weights.IsEmpty ? 1.0 : weights[row];
                if (actual[row] == 1.0)
                {
                    tp += w;
                }
                else
                {
                    fp += w;
                }

                // A threshold ends where the next lower score differs (np.diff(y_score) != 0 in scikit-learn).
                if (k == 0 || sortedScores[k - 1] != sortedScores[k])
                {
                    falsePositives[count] = fp;
                    truePositives[count] = tp;
                    count++;
                }
            }

            return new ThresholdCurve(falsePositives, truePositives, count);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(rows);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_falsePositives is not null)
        {
            ArrayPool<double>.Shared.Return(_falsePositives);
            ArrayPool<double>.Shared.Return(_truePositives!);
            _falsePositives = null;
            _truePositives = null;
        }
    }
}

/// <summary>
/// <c>roc_auc</c>: <c>sklearn.metrics.roc_auc_score</c> for binary labels: the trapezoidal area under the ROC curve
/// through one point per distinct score (so tied scores make a diagonal segment and count half), after dropping
/// collinear points as <c>roc_curve(drop_intermediate=True)</c> does.
/// </summary>
/// <remarks>
/// Undefined, and an error, when actual holds one class only (scikit-learn raises too). NaN, as in scikit-learn,
/// when weights leave one class with total weight 0.
/// </remarks>
internal sealed class RocAucMetric() : Metric(MetricNames.RocAuc, ModelTask.BinaryClassification, greaterIsBetter: true, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        Classes.RequireBoth(Name, actual);
        using var curve = ThresholdCurve.Build(actual, predicted, weights);
        var fps = curve.FalsePositives;
        var tps = curve.TruePositives;
        var m = curve.Count;
        var negatives = fps[m - 1];
        var positives = tps[m - 1];

        // np.trapz over the kept points, starting at (0, 0): sum of dx * (y[i+1] + y[i]) / 2.
        using var terms = new PooledDoubles(m);
        var t = terms.Span;
        var count = 0;
        double x = 0.0, y = 0.0;
        for (var k = 0; k < m; k++)
        {
            if (m > 2 && k > 0 && k < m - 1 && !IsCorner(fps, k) && !IsCorner(tps, k))
            {
                continue;
            }

            var nextX = negatives <= 0.0 ? double.NaN : fps[k] / negatives;
            var nextY = positives <= 0.0 ? double.NaN : tps[k] / positives;
            t[count++] = (nextX - x) * (nextY + y) / 2.0;
            x = nextX;
            y = nextY;
        }

        return NumpySum.Sum(t[..count]);
    }

    /// <summary>Whether point <paramref name="k"/> is kept: <c>np.diff(values, 2)</c> is non-zero there.</summary>
    private static bool IsCorner(ReadOnlySpan<double> values, int k) =>
        (values[k + 1] - values[k]) - (values[k] - values[k - 1]) != 0.0;
}

/// <summary>
/// <c>average_precision</c>: <c>sklearn.metrics.average_precision_score</c>, <c>Σ (R_k - R_k-1) P_k</c> over the
/// distinct scores from the highest down: the step-wise area under the precision-recall curve, not interpolated.
/// </summary>
/// <remarks>
/// With no positive label, scikit-learn sets recall to 1 at every threshold, warns and returns -0.0; so does this.
/// </remarks>
internal sealed class AveragePrecisionMetric() : Metric(MetricNames.AveragePrecision, ModelTask.BinaryClassification, greaterIsBetter: true, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        using var curve = ThresholdCurve.Build(actual, predicted, weights);
        var fps = curve.FalsePositives;
        var tps = curve.TruePositives;
        var m = curve.Count;
        var positives = tps[m - 1];

        // scikit-learn reverses the curve (recall decreasing), appends (precision 1, recall 0) and returns
        // -sum(diff(recall) * precision[:-1]); term j pairs threshold m-1-j with the next higher one.
        using var terms = new PooledDoubles(m);
        var t = terms.Span;
        for (var j = 0; j < m; j++)
        {
            var k = m - 1 - j;
            var recallNext = k == 0 ? 0.0 : Recall(tps[k - 1], positives);
            t[j] = (recallNext - Recall(tps[k], positives)) * Precision(tps[k], fps[k]);
        }

        return -NumpySum.Sum(t);
    }

    private static double Recall(double tp, double positives) => positives == 0.0 ? 1.0 : tp / positives;

    private static double Precision(double tp, double fp)
    {
        var predicted = tp + fp;
        return predicted != 0.0 ? tp / predicted : 0.0;
    }
}

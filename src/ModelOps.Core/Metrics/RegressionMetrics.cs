using ModelOps.Core.Learning;

namespace ModelOps.Core.Metrics;

/// <summary><c>mse</c>: <c>sklearn.metrics.mean_squared_error</c>, the (weighted) mean of <c>(actual - predicted)²</c>.</summary>
internal sealed class MeanSquaredErrorMetric() : Metric(MetricNames.MeanSquaredError, ModelTask.Regression, greaterIsBetter: false, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights) =>
        Of(actual, predicted, weights);

    /// <summary><c>np.average((y_true - y_pred) ** 2, weights=sample_weight)</c>.</summary>
    internal static double Of(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        using var terms = new PooledDoubles(actual.Length);
        var t = terms.Span;
        for (var i = 0; i < t.Length; i++)
        {
            var d = actual[i] - predicted[i];
            t[i] = d * d;
        }

        return NumpySum.Average(t, weights);
    }
}

/// <summary><c>rmse</c>: <c>mean_squared_error(squared=False)</c>, the square root of <c>mse</c>.</summary>
internal sealed class RootMeanSquaredErrorMetric() : Metric(MetricNames.RootMeanSquaredError, ModelTask.Regression, greaterIsBetter: false, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights) =>
        Math.Sqrt(MeanSquaredErrorMetric.Of(actual, predicted, weights));
}

/// <summary><c>mae</c>: <c>sklearn.metrics.mean_absolute_error</c>, the (weighted) mean of <c>|predicted - actual|</c>.</summary>
internal sealed class MeanAbsoluteErrorMetric() : Metric(MetricNames.MeanAbsoluteError, ModelTask.Regression, greaterIsBetter: false, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        using var terms = new PooledDoubles(actual.Length);
        var t = terms.Span;
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = Math.Abs(predicted[i] - actual[i]);
        }

        return NumpySum.Average(t, weights);
    }
}

/// <summary>
/// <c>mape</c>: <c>sklearn.metrics.mean_absolute_percentage_error</c>, the (weighted) mean of
/// <c>|predicted - actual| / max(|actual|, ε)</c> with ε the float64 machine epsilon, so an actual 0 gives a
/// huge term rather than infinity. A fraction: 0.1 means 10 %.
/// </summary>
internal sealed class MeanAbsolutePercentageErrorMetric() : Metric(MetricNames.MeanAbsolutePercentageError, ModelTask.Regression, greaterIsBetter: false, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        using var terms = new PooledDoubles(actual.Length);
        var t = terms.Span;
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = Math.Abs(predicted[i] - actual[i]) / Math.Max(Math.Abs(actual[i]), MetricConstants.MachineEpsilon);
        }

        return NumpySum.Average(t, weights);
    }
}

/// <summary>
/// <c>r2</c>: <c>sklearn.metrics.r2_score</c> with <c>force_finite=True</c>: <c>1 - SS_res / SS_tot</c>; 1 when
/// <c>SS_res</c> is 0, 0 when only <c>SS_tot</c> is 0 (a constant actual whose mean is exact), NaN for a single value.
/// </summary>
/// <remarks>
/// Like scikit-learn, <c>SS_tot</c> is taken around the rounded mean, so a constant actual such as 0.1 repeated,
/// whose float mean is not exactly 0.1, has a tiny non-zero <c>SS_tot</c> and a hugely negative score unless the
/// predictions are perfect.
/// </remarks>
internal sealed class R2Metric() : Metric(MetricNames.R2, ModelTask.Regression, greaterIsBetter: true, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        if (actual.Length < 2)
        {
            // scikit-learn warns "R^2 score is not well-defined with less than two samples." and returns NaN.
            return double.NaN;
        }

        using var terms = new PooledDoubles(actual.Length);
        var t = terms.Span;
        actual.CopyTo(t);
        var mean = NumpySum.Average(t, weights);

        for (var i = 0; i < t.Length; i++)
        {
            var d = actual[i] - predicted[i];
            t[i] = Weight(weights, i) * (d * d);
        }

        var numerator = NumpySum.Sum(t);

        for (var i = 0; i < t.Length; i++)
        {
            var d = actual[i] - mean;
            t[i] = Weight(weights, i) * (d * d);
        }

        var denominator = NumpySum.Sum(t);

        if (numerator == 0.0)
        {
            return 1.0;
        }

        return denominator == 0.0 ? 0.0 : 1.0 - (numerator / denominator);
    }

    private static double Weight(ReadOnlySpan<double> weights, int i) => weights.IsEmpty ? 1.0 : weights[i];
}

/// <summary>
/// <c>max_error</c>: <c>sklearn.metrics.max_error</c>, the largest <c>|actual - predicted|</c>. scikit-learn has
/// no weighted form: with weights, samples of weight 0 are left out and the other weights do not matter.
/// </summary>
internal sealed class MaxErrorMetric() : Metric(MetricNames.MaxError, ModelTask.Regression, greaterIsBetter: false, PredictionKind.Value)
{
    protected override double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        var max = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (weights.IsEmpty || weights[i] > 0.0)
            {
                max = Math.Max(max, Math.Abs(actual[i] - predicted[i]));
            }
        }

        return max;
    }
}

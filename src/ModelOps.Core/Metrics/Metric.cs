using ModelOps.Core.Learning;

namespace ModelOps.Core.Metrics;

/// <summary>What a metric accepts in <c>predicted</c>.</summary>
internal enum PredictionKind
{
    /// <summary>Any finite number (regression values, classification scores).</summary>
    Value,

    /// <summary>A probability of class 1, in [0, 1].</summary>
    Probability,
}

/// <summary>
/// The shared part of every metric: validates the input once at the edge, then hands valid spans to
/// <see cref="Compute"/>, which mirrors the scikit-learn 1.2.1 function step by step.
/// </summary>
internal abstract class Metric(string name, ModelTask task, bool greaterIsBetter, PredictionKind prediction) : IMetric
{
    private readonly PredictionKind _prediction = prediction;

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public bool GreaterIsBetter { get; } = greaterIsBetter;

    /// <inheritdoc/>
    public ModelTask Task { get; } = task;

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        Validate(actual, predicted);
        return Compute(actual, predicted, []);
    }

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights)
    {
        Validate(actual, predicted);
        if (weights.Length != actual.Length)
        {
            MetricErrors.WeightsLength(Name, weights.Length, actual.Length);
        }

        var any = false;
        for (var i = 0; i < weights.Length; i++)
        {
            var w = weights[i];
            if (!(w >= 0.0) || double.IsPositiveInfinity(w))
            {
                MetricErrors.NegativeWeight(Name, i, w);
            }

            any |= w > 0.0;
        }

        if (!any)
        {
            MetricErrors.ZeroWeights(Name);
        }

        return Compute(actual, predicted, weights);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Computes the score of valid input; <paramref name="weights"/> is empty when unweighted.</summary>
    protected abstract double Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, ReadOnlySpan<double> weights);

    private void Validate(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length)
        {
            MetricErrors.LengthMismatch(Name, actual.Length, predicted.Length);
        }

        if (actual.Length == 0)
        {
            MetricErrors.Empty(Name);
        }

        var classification = Task == ModelTask.BinaryClassification;
        for (var i = 0; i < actual.Length; i++)
        {
            var y = actual[i];
            if (!double.IsFinite(y))
            {
                MetricErrors.NotFinite(Name, nameof(actual), i, y);
            }

            if (classification && y != 0.0 && y != 1.0)
            {
                MetricErrors.NotLabel(Name, i, y);
            }
        }

        for (var i = 0; i < predicted.Length; i++)
        {
            var p = predicted[i];
            if (!double.IsFinite(p))
            {
                MetricErrors.NotFinite(Name, nameof(predicted), i, p);
            }

            if (_prediction == PredictionKind.Probability && (p < 0.0 || p > 1.0))
            {
                MetricErrors.NotProbability(Name, i, p);
            }
        }
    }
}

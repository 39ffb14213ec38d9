using System.Diagnostics.CodeAnalysis;
using ModelOps.Core.Data;

namespace ModelOps.Core.Metrics;

/// <summary>The exceptions metrics throw, kept out of the scoring loops; each message names the metric, the value and the fix.</summary>
internal static class MetricErrors
{
    [DoesNotReturn]
    public static void LengthMismatch(string metric, int actual, int predicted) => throw new ArgumentException(
        $"Metric '{metric}': actual has {actual} values but predicted has {predicted}; they must have the same length.",
        nameof(predicted));

    [DoesNotReturn]
    public static void Empty(string metric) => throw new ArgumentException(
        $"Metric '{metric}': actual and predicted are empty (0 and 0 values); at least one value is needed.",
        "actual");

    [DoesNotReturn]
    public static void WeightsLength(string metric, int weights, int actual) => throw new ArgumentException(
        $"Metric '{metric}': weights has {weights} values but actual has {actual}; they must have the same length.",
        nameof(weights));

    [DoesNotReturn]
    public static void NotFinite(string metric, string span, int index, double value) => throw new ArgumentException(
        $"Metric '{metric}': {span}[{index}] is {ValueFormat.Format(value)}; values must be finite.",
        span);

    [DoesNotReturn]
    public static void NotLabel(string metric, int index, double value) => throw new ArgumentException(
        $"Metric '{metric}': actual[{index}] is {ValueFormat.Format(value)}; classification labels must be 0 or 1.",
        "actual");

    [DoesNotReturn]
    public static void NotProbability(string metric, int index, double value) => throw new ArgumentException(
        $"Metric '{metric}': predicted[{index}] is {ValueFormat.Format(value)}; it must be the probability of class 1, in [0, 1].",
        "predicted");

    [DoesNotReturn]
    public static void NegativeWeight(string metric, int index, double value) => throw new ArgumentException(
        $"Metric '{metric}': weights[{index}] is {ValueFormat.Format(value)}; weights must be finite and not negative.",
        "weights");

    [DoesNotReturn]
    public static void ZeroWeights(string metric) => throw new ArgumentException(
        $"Metric '{metric}': the weights sum to 0; at least one weight must be positive.",
        "weights");

    [DoesNotReturn]
    public static void OneClass(string metric, int count, double label) => throw new ArgumentException(
        $"Metric '{metric}' is undefined when actual holds one class only (all {count} labels are {ValueFormat.Format(label)}); " +
        "score a sample that has both labels 0 and 1.",
        "actual");
}

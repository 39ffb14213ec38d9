namespace ModelOps.Core.Metrics;

/// <summary>The fixed numbers of the metrics, each as scikit-learn 1.2.1 has it.</summary>
internal static class MetricConstants
{
    /// <summary>
    /// <c>np.finfo(np.float64).eps</c> = 2⁻⁵² (not <see cref="double.Epsilon"/>, the smallest subnormal): the floor of
    /// MAPE's denominator and, through <c>log_loss(eps="auto")</c>, the clipping margin of log loss probabilities.
    /// </summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The probability above which a label metric counts a prediction as class 1.</summary>
    public const double LabelThreshold = 0.5;
}

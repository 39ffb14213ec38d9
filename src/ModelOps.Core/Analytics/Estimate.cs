namespace ModelOps.Core.Analytics;

/// <summary>
/// A point estimate with its confidence interval. <see cref="Value"/> is <see langword="null"/> when the statistic is
/// undefined for the data (no rows, one class only...); <see cref="Lower"/> and <see cref="Upper"/> are
/// <see langword="null"/> when the interval is undefined (fewer than two rows, a constant target...). Either way
/// <see cref="Reason"/> says why.
/// </summary>
/// <param name="Value">The point estimate, or <see langword="null"/> when undefined.</param>
/// <param name="Lower">The lower end of the interval at <see cref="AnalyticsOptions.Confidence"/>, or <see langword="null"/>.</param>
/// <param name="Upper">The upper end of the interval, or <see langword="null"/>.</param>
/// <param name="N">The number of rows the estimate is computed from.</param>
/// <param name="Method">How the interval is computed, one of <see cref="IntervalMethods"/>.</param>
/// <param name="Reason">Why the value or the interval is missing, or <see langword="null"/> when both are there.</param>
/// <param name="ErrorBound">
/// For a figure served from aggregates that is not exact (the ROC AUC from binned scores): the most <see cref="Value"/>
/// can differ from the exact computation over the same rows; <see langword="null"/> when the value is exact (up to
/// floating-point rounding).
/// </param>
public sealed record Estimate(double? Value, double? Lower, double? Upper, long N, string Method, string? Reason = null, double? ErrorBound = null)
{
    /// <summary>An estimate with no value: <paramref name="reason"/> says why.</summary>
    internal static Estimate Undefined(long n, string method, string reason) => new(null, null, null, n, method, reason);

    /// <summary>A value whose interval is undefined: <paramref name="reason"/> says why.</summary>
    internal static Estimate PointOnly(double value, long n, string method, string reason) => new(value, null, null, n, method, reason);
}

/// <summary>The names of the interval methods in <see cref="Estimate.Method"/> (docs/hub-analytics.md gives the formulas).</summary>
public static class IntervalMethods
{
    /// <summary>Wilson score interval of a proportion (Wilson 1927).</summary>
    public const string Wilson = "wilson";

    /// <summary>Student t interval of a mean: mean ± t(n-1) s / √n.</summary>
    public const string StudentT = "t";

    /// <summary>DeLong et al. (1988) variance of the ROC AUC, normal interval clipped to [0, 1].</summary>
    public const string DeLong = "delong";

    /// <summary>Delta method from the mean squared error: se(RMSE) = se(MSE) / (2 RMSE), t interval, lower end at least 0.</summary>
    public const string DeltaRmse = "delta_rmse";

    /// <summary>Delta method for R² = 1 - mean(e²) / mean((y - ȳ)²) through its influence function, t interval.</summary>
    public const string DeltaR2 = "delta_r2";

    /// <summary>No interval: a plain statistic (latency percentiles).</summary>
    public const string None = "none";
}

namespace ModelOps.Core.Analytics;

/// <summary>
/// The two-sided Gaussian-mixture asymptotic confidence sequence for a mean (Waudby-Smith, Arbour, Sinha, Kennedy and
/// Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences", 2021/2024, Theorem 2.2):
/// after t observations, μ̂_t ± σ̂_t √(2(tρ² + 1) / (t²ρ²) · ln(√(tρ² + 1) / α)). Unlike a fixed-n interval it covers
/// the mean at every t at once (asymptotically), so it may be looked at after every new observation.
/// </summary>
/// <remarks>
/// Observations are added one at a time (Welford's running mean and variance), so the same instance serves a report
/// and a peeking simulation.
/// </remarks>
internal sealed class AsymptoticConfidenceSequence
{
    private readonly double _alpha;
    private readonly double _rho2;
    private double _mean;
    private double _squares;

    /// <summary>A sequence at level 1 - <paramref name="alpha"/>, narrowest near <paramref name="optimalN"/> observations.</summary>
    public AsymptoticConfidenceSequence(double alpha, double optimalN)
    {
        _alpha = alpha;
        _rho2 = OptimalRho2(alpha, optimalN);
    }

    /// <summary>The number of observations added.</summary>
    public long Count { get; private set; }

    /// <summary>The running mean μ̂_t.</summary>
    public double Mean => _mean;

    /// <summary>The running sample standard deviation σ̂_t (n - 1 in the denominator; 0 below two observations).</summary>
    public double Deviation => Count < 2 ? 0.0 : Math.Sqrt(_squares / (Count - 1));

    /// <summary>The half-width σ̂_t · margin(t) of the sequence now.</summary>
    public double HalfWidth => Deviation * Margin(Count, _rho2, _alpha);

    /// <summary>
    /// The mixture variance ρ² that makes the boundary narrowest near t* observations, in the closed form the paper
    /// gives: ρ² = (-2 ln α + ln(1 - 2 ln α)) / t*.
    /// </summary>
    public static double OptimalRho2(double alpha, double optimalN)
    {
        var minus2LogAlpha = -2.0 * Math.Log(alpha);
        return (minus2LogAlpha + Math.Log(minus2LogAlpha + 1.0)) / optimalN;
    }

    /// <summary>The unit-variance margin √(2(tρ² + 1) / (t²ρ²) · ln(√(tρ² + 1) / α)).</summary>
    public static double Margin(long t, double rho2, double alpha)
    {
        var trho2 = t * rho2;
        return Math.Sqrt(2.0 * (trho2 + 1.0) / (t * trho2) * Math.Log(Math.Sqrt(trho2 + 1.0) / alpha));
    }

    /// <summary>Adds one observation.</summary>
    public void Add(double value)
    {
        Count++;
        var delta = value - _mean;
        _mean += delta / Count;
        _squares += delta * (value - _mean);
    }
}

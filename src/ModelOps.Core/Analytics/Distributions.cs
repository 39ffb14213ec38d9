namespace ModelOps.Core.Analytics;

/// <summary>
/// The normal and Student t distributions the intervals need: CDFs from series and continued fractions, quantiles by
/// bisection on the CDF, accurate to about 1e-13 against <c>scipy.stats</c> (checked by the fixture tests).
/// </summary>
internal static class Distributions
{
    private const int BisectionSteps = 200;
    private const double Tiny = 1e-300;
    private const double FractionTolerance = 1e-16;
    private const int MaxFractionTerms = 10_000;
    private const double StirlingFrom = 10.0;

    /// <summary>Lanczos (g = 7, nine terms) coefficients of the gamma function, good to about 1e-15.</summary>
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>The two-sided normal quantile for a confidence level: z with P(|Z| ≤ z) = <paramref name="confidence"/>.</summary>
    public static double TwoSidedNormal(double confidence) => NormalQuantile(0.5 + (confidence / 2.0));

    /// <summary>
    /// The two-sided Student t quantile with <paramref name="degreesOfFreedom"/> degrees of freedom:
    /// t with P(|T| ≤ t) = <paramref name="confidence"/>.
    /// </summary>
    public static double TwoSidedStudentT(double confidence, double degreesOfFreedom) =>
        StudentTQuantile(0.5 + (confidence / 2.0), degreesOfFreedom);

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double NormalCdf(double x) => x < 0.0 ? 0.5 * Erfc(-x / Math.Sqrt(2.0)) : 1.0 - (0.5 * Erfc(x / Math.Sqrt(2.0)));

    /// <summary>Φ⁻¹(p) for p in (0.5, 1), by bisection on <see cref="NormalCdf"/> (upper tail taken from erfc, no cancellation).</summary>
    public static double NormalQuantile(double p)
    {
        // Solve 0.5 erfc(x/√2) = 1 - p for x ≥ 0: the tail probability is computed without rounding away.
        var tail = 1.0 - p;
        return Bisect(x => 0.5 * Erfc(x / Math.Sqrt(2.0)) - tail, decreasing: true);
    }

    /// <summary>P(T ≤ t) for Student's t with <paramref name="nu"/> degrees of freedom.</summary>
    public static double StudentTCdf(double t, double nu)
    {
        var tail = StudentTUpperTail(Math.Abs(t), nu);
        return t < 0.0 ? tail : 1.0 - tail;
    }

    /// <summary>The t quantile for p in (0.5, 1), by bisection on the upper tail probability.</summary>
    public static double StudentTQuantile(double p, double nu)
    {
        var tail = 1.0 - p;
        return Bisect(t => StudentTUpperTail(t, nu) - tail, decreasing: true);
    }

    /// <summary>P(T &gt; t) for t ≥ 0: ½ I_x(ν/2, ½) with x = ν / (ν + t²).</summary>
    private static double StudentTUpperTail(double t, double nu)
    {
        var t2 = t * t;
        var x = nu / (nu + t2);
        var oneMinusX = t2 / (nu + t2);
        return 0.5 * RegularizedBeta(x, oneMinusX, nu / 2.0, 0.5);
    }

    /// <summary>
    /// The regularised incomplete beta I_x(a, b), from its continued fraction (modified Lentz), taken directly or
    /// through I_x(a, b) = 1 - I_{1-x}(b, a), whichever converges fast; 1 - x is passed in so it keeps its digits.
    /// </summary>
    private static double RegularizedBeta(double x, double oneMinusX, double a, double b)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (oneMinusX <= 0.0)
        {
            return 1.0;
        }

        // ln x from 1 - x keeps the digits when x is near 1 (many degrees of freedom) and a is large.
        var logFront = (a * LogOnePlus(-oneMinusX)) + (b * Math.Log(oneMinusX)) - LogBeta(a, b);
        if (x < (a + 1.0) / (a + b + 2.0))
        {
            return Math.Exp(logFront) * BetaFraction(x, a, b) / a;
        }

        return 1.0 - (Math.Exp(logFront) * BetaFraction(oneMinusX, b, a) / b);
    }

    /// <summary>The continued fraction of the incomplete beta function, evaluated by the modified Lentz method.</summary>
    private static double BetaFraction(double x, double a, double b)
    {
        var c = 1.0;
        var d = 1.0 - ((a + b) * x / (a + 1.0));
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1.0 / d;
        var h = d;
        for (var m = 1; m <= MaxFractionTerms; m++)
        {
            var m2 = 2.0 * m;
            var even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
            d = 1.0 + (even * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1.0 + (even / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1.0 / d;
            h *= d * c;

            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
            d = 1.0 + (odd * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1.0 + (odd / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1.0 / d;
            var step = d * c;
            h *= step;
            if (Math.Abs(step - 1.0) < FractionTolerance)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>
    /// ln B(a, b). When the larger argument a is at least 10, ln Γ(a) - ln Γ(a + b) is taken from Stirling's series written as a difference,
    /// -(a - ½) ln(1 + b/a) - b ln(a + b) + b + S(a) - S(a + b), so the large terms do not cancel.
    /// </summary>
    private static double LogBeta(double a, double b)
    {
        var (large, small) = a >= b ? (a, b) : (b, a);
        if (large < StirlingFrom)
        {
            return LogGamma(a) + LogGamma(b) - LogGamma(a + b);
        }

        var difference = (-(large - 0.5) * LogOnePlus(small / large)) - (small * Math.Log(large + small)) + small
            + StirlingCorrection(large) - StirlingCorrection(large + small);
        return LogGamma(small) + difference;
    }

    /// <summary>S(x) = ln Γ(x) - ((x - ½) ln x - x + ½ ln 2π), by its asymptotic series (x ≥ 10: error below 1e-17).</summary>
    private static double StirlingCorrection(double x)
    {
        var inverse = 1.0 / x;
        var inverse2 = inverse * inverse;
        return inverse * ((1.0 / 12.0) - (inverse2 * ((1.0 / 360.0) - (inverse2 * ((1.0 / 1260.0) - (inverse2 * ((1.0 / 1680.0) - (inverse2 / 1188.0))))))));
    }

    /// <summary>ln(1 + u) without losing the digits of small u (Kahan's trick: ln w · u / (w - 1), w = 1 + u).</summary>
    private static double LogOnePlus(double u)
    {
        var w = 1.0 + u;
        return w == 1.0 ? u : Math.Log(w) * u / (w - 1.0);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation; reflection is not needed for positive arguments ≥ ½).</summary>
    private static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Γ(x) = Γ(x + 1) / x keeps the Lanczos series in its accurate range.
            return LogGamma(x + 1.0) - Math.Log(x);
        }

        x -= 1.0;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2.0 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>
    /// erfc(x) for x ≥ 0: 1 - erf from the everywhere-positive series erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (2n+1)!!
    /// below 2.5, the continued fraction of erfc above (both without cancellation in their range).
    /// </summary>
    private static double Erfc(double x)
    {
        if (x < 2.5)
        {
            var term = x;
            var sum = x;
            var x2 = x * x;
            for (var n = 1; n < 500; n++)
            {
                term *= 2.0 * x2 / ((2.0 * n) + 1.0);
                sum += term;
                if (term < sum * 1e-17)
                {
                    break;
                }
            }

            return 1.0 - (2.0 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum);
        }

        // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), by modified Lentz.
        var f = x;
        var c = x;
        var d = 0.0;
        for (var k = 1; k < MaxFractionTerms; k++)
        {
            var ak = k / 2.0;
            d = x + (ak * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + (ak / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1.0 / d;
            var step = c * d;
            f *= step;
            if (Math.Abs(step - 1.0) < FractionTolerance)
            {
                break;
            }
        }

        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>The root of a monotone function on [0, ∞): doubles an upper bracket, then halves until the bracket stops shrinking.</summary>
    private static double Bisect(Func<double, double> f, bool decreasing)
    {
        double lo = 0.0, hi = 1.0;
        while ((f(hi) > 0.0) == decreasing && hi < 1e300)
        {
            lo = hi;
            hi *= 2.0;
        }

        for (var i = 0; i < BisectionSteps; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            if ((f(mid) > 0.0) == decreasing)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }
}

namespace ModelOps.Core.Randomness;

/// <summary>
/// Natural logarithm and exponential computed with IEEE additions, multiplications and divisions
/// only, so they give the same bits on every machine and runtime. <see cref="Math.Log(double)"/> and
/// <see cref="Math.Exp"/> call the platform's C library, whose last bit may differ between
/// operating systems and CPUs; seeded samples that go through a logarithm (log-uniform search
/// distributions) would then differ too. Ports of fdlibm 5.3 <c>e_log.c</c> and <c>e_exp.c</c>
/// (Sun Microsystems, 1993), as Java's <c>StrictMath</c> uses them; both are within 1 ulp.
/// </summary>
internal static class StrictMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // 0x3FE62E42 FEE00000
    private const double Ln2Lo = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
    private const double Two54 = 1.80143985094819840000e+16; // 0x43500000 00000000
    private const double Lg1 = 6.666666666666735130e-01; // 0x3FE55555 55555593
    private const double Lg2 = 3.999999999940941908e-01; // 0x3FD99999 9997FA04
    private const double Lg3 = 2.857142874366239149e-01; // 0x3FD24924 94229359
    private const double Lg4 = 2.222219843214978396e-01; // 0x3FCC71C5 1D8E78AF
    private const double Lg5 = 1.818357216161805012e-01; // 0x3FC74664 96CB03DE
    private const double Lg6 = 1.531383769920937332e-01; // 0x3FC39A09 D078C69F
    private const double Lg7 = 1.479819860511658591e-01; // 0x3FC2F112 DF3E5244

    private const double OverflowThreshold = 7.09782712893383973096e+02; // 0x40862E42 FEFA39EF
    private const double UnderflowThreshold = -7.45133219101941108420e+02; // 0xC0874910 D52D3051
    private const double InvLn2 = 1.44269504088896338700e+00; // 0x3FF71547 652B82FE
    private const double TwoM1000 = 9.33263618503218878990e-302; // 2^-1000
    private const double P1 = 1.66666666666666019037e-01; // 0x3FC55555 5555553E
    private const double P2 = -2.77777777770155933842e-03; // 0xBF66C16C 16BEBD93
    private const double P3 = 6.61375632143793436117e-05; // 0x3F11566A AF25DE2C
    private const double P4 = -1.65339022054652515390e-06; // 0xBEBBBD41 C5D26BF1
    private const double P5 = 4.13813679705723846039e-08; // 0x3E663769 72BEA4D0

    /// <summary>The natural logarithm of <paramref name="x"/> (fdlibm <c>__ieee754_log</c>).</summary>
    public static double Log(double x)
    {
        var hx = High(x);
        var lx = Low(x);
        var k = 0;
        if (hx < 0x00100000)
        {
            // Zero, negative or subnormal.
            if (((hx & 0x7FFFFFFF) | (int)lx) == 0)
            {
                return double.NegativeInfinity;
            }

            if (hx < 0)
            {
                return double.NaN;
            }

            k -= 54;
            x *= Two54;
            hx = High(x);
        }

        if (hx >= 0x7FF00000)
        {
            return x + x;
        }

        k += (hx >> 20) - 1023;
        hx &= 0x000FFFFF;
        var i = (hx + 0x95F64) & 0x100000;

        // Normalize x or x/2 into [sqrt(2)/2, sqrt(2)).
        x = WithHigh(x, hx | (i ^ 0x3FF00000));
        k += i >> 20;
        var f = x - 1.0;
        double dk;
        double r;
        if ((0x000FFFFF & (2 + hx)) < 3)
        {
            // |f| < 2^-20.
            if (f == 0.0)
            {
                if (k == 0)
                {
                    return 0.0;
                }

                dk = k;
                return (dk * Ln2Hi) + (dk * Ln2Lo);
            }

            r = f * f * (0.5 - (0.33333333333333333 * f));
            if (k == 0)
            {
                return f - r;
            }

            dk = k;
            return (dk * Ln2Hi) - ((r - (dk * Ln2Lo)) - f);
        }

        var s = f / (2.0 + f);
        dk = k;
        var z = s * s;
        i = hx - 0x6147A;
        var w = z * z;
        var j = 0x6B851 - hx;
        var t1 = w * (Lg2 + (w * (Lg4 + (w * Lg6))));
        var t2 = z * (Lg1 + (w * (Lg3 + (w * (Lg5 + (w * Lg7))))));
        i |= j;
        r = t2 + t1;
        if (i > 0)
        {
            var hfsq = 0.5 * f * f;
            return k == 0
                ? f - (hfsq - (s * (hfsq + r)))
                : (dk * Ln2Hi) - ((hfsq - ((s * (hfsq + r)) + (dk * Ln2Lo))) - f);
        }

        return k == 0
            ? f - (s * (f - r))
            : (dk * Ln2Hi) - (((s * (f - r)) - (dk * Ln2Lo)) - f);
    }

    /// <summary>e raised to <paramref name="x"/> (fdlibm <c>__ieee754_exp</c>).</summary>
    public static double Exp(double x)
    {
        var hx = High(x);
        var negative = hx < 0;
        hx &= 0x7FFFFFFF;
        if (hx >= 0x40862E42)
        {
            // |x| >= 709.78: not finite, overflow or underflow.
            if (hx >= 0x7FF00000)
            {
                return double.IsNaN(x) ? x : negative ? 0.0 : x;
            }

            if (x > OverflowThreshold)
            {
                return double.PositiveInfinity;
            }

            if (x < UnderflowThreshold)
            {
                return 0.0;
            }
        }

        // Argument reduction: x = k ln2 + r with |r| <= ln2 / 2; r is kept as hi - lo.
        double hi = 0;
        double lo = 0;
        var k = 0;
        if (hx > 0x3FD62E42)
        {
            if (hx < 0x3FF0A2B2)
            {
                hi = negative ? x + Ln2Hi : x - Ln2Hi;
                lo = negative ? -Ln2Lo : Ln2Lo;
                k = negative ? -1 : 1;
            }
            else
            {
                k = (int)((InvLn2 * x) + (negative ? -0.5 : 0.5));
                double t = k;
                hi = x - (t * Ln2Hi);
                lo = t * Ln2Lo;
            }

            x = hi - lo;
        }
        else if (hx < 0x3E300000)
        {
            // |x| < 2^-28.
            return 1.0 + x;
        }

        var tt = x * x;
        var c = x - (tt * (P1 + (tt * (P2 + (tt * (P3 + (tt * (P4 + (tt * P5)))))))));
        if (k == 0)
        {
            return 1.0 - (((x * c) / (c - 2.0)) - x);
        }

        var y = 1.0 - ((lo - ((x * c) / (2.0 - c))) - hi);
        if (k >= -1021)
        {
            return WithHigh(y, High(y) + (k << 20));
        }

        return WithHigh(y, High(y) + ((k + 1000) << 20)) * TwoM1000;
    }

    private static int High(double x) => (int)(BitConverter.DoubleToUInt64Bits(x) >> 32);

    private static uint Low(double x) => (uint)BitConverter.DoubleToUInt64Bits(x);

    private static double WithHigh(double x, int high) =>
        BitConverter.UInt64BitsToDouble(((ulong)(uint)high << 32) | Low(x));
}

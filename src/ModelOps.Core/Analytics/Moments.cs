namespace ModelOps.Core.Analytics;

/// <summary>
/// The count, mean and sum of squared deviations M2 of some values, updated one value at a time (Welford), taken away
/// again (Welford in reverse) and merged (Chan, Golub and LeVeque's pairwise update): unlike Σx and Σx², the spread
/// of values far from 0 keeps its digits, and equal values keep M2 exactly 0.
/// </summary>
public struct Moments
{
    /// <summary>The number of values.</summary>
    public long N { get; private set; }

    /// <summary>Their mean (0 without values).</summary>
    public double Mean { get; private set; }

    /// <summary>Σ (x - mean)².</summary>
    public double M2 { get; private set; }

    /// <summary>Their sum, N · mean.</summary>
    public readonly double Sum => N * Mean;

    /// <summary>The sample standard deviation (n - 1 in the denominator; 0 below two values).</summary>
    public readonly double Deviation => N < 2 ? 0.0 : Math.Sqrt(Math.Max(0.0, M2) / (N - 1));

    /// <summary>Adds <paramref name="value"/> (<paramref name="sign"/> 1) or takes it away (-1; it must have been added).</summary>
    public void Add(double value, int sign = 1)
    {
        if (sign > 0)
        {
            N++;
            var delta = value - Mean;
            Mean += delta / N;
            M2 += delta * (value - Mean);
            return;
        }

        if (N <= 1)
        {
            this = default;
            return;
        }

        // A value equal to the mean leaves it (exactly: equal values keep M2 at 0 through a label's change).
        var before = value == Mean ? Mean : ((N * Mean) - value) / (N - 1);
        M2 = Math.Max(0.0, M2 - ((value - before) * (value - Mean)));
        Mean = before;
        N--;
    }

    /// <summary>Adds the values summarised by <paramref name="other"/>.</summary>
    public void Merge(Moments other)
    {
        if (other.N == 0)
        {
            return;
        }

        if (N == 0)
        {
            this = other;
            return;
        }

        var n = N + other.N;
        var delta = other.Mean - Mean;
        M2 += other.M2 + (delta * delta * N * other.N / n);
        Mean += delta * other.N / n;
        N = n;
    }

    /// <summary>Writes N, mean and M2.</summary>
    public readonly void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(N);
        writer.Write(Mean);
        writer.Write(M2);
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    internal static Moments Read(ref StatisticsReader reader) => new() { N = reader.ReadInt64(), Mean = reader.ReadDouble(), M2 = reader.ReadDouble() };
}

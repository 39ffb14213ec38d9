namespace ModelOps.Core.Analytics;

/// <summary>
/// A mergeable quantile sketch of latencies with a relative-error guarantee (DDSketch: Masson, Rim and Lee,
/// "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019): a value x &gt; 0
/// is counted in bucket ⌈log_γ x⌉ with γ = (1 + α) / (1 - α), and a bucket stands for 2γ^i / (γ + 1), which is within
/// a relative <see cref="RelativeAccuracy"/> α of every value of the bucket. Values of at most
/// <see cref="ZeroThreshold"/> are counted as 0. Counts can be added, merged and taken away again, so a sketch per time
/// cell summed over cells is the sketch of all their rows.
/// </summary>
public sealed class LatencySketch
{
    /// <summary>α: every value the sketch gives is within this relative distance of a value of its bucket (1 %).</summary>
    public const double RelativeAccuracy = 0.01;

    /// <summary>Latencies up to this many milliseconds (one nanosecond) are counted as 0.</summary>
    public const double ZeroThreshold = 1e-6;

    private static readonly double Gamma = (1.0 + RelativeAccuracy) / (1.0 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly Dictionary<int, long> _buckets = [];

    /// <summary>The values counted.</summary>
    public long Count { get; private set; }

    /// <summary>The values counted as 0.</summary>
    public long Zeros { get; private set; }

    /// <summary>The number of non-empty buckets (values above <see cref="ZeroThreshold"/>).</summary>
    public int BucketCount => _buckets.Count;

    /// <summary>Counts <paramref name="value"/> (finite, non-negative) <paramref name="times"/> times; a negative number takes counts away.</summary>
    public void Add(double value, long times = 1)
    {
        Count += times;
        if (value <= ZeroThreshold)
        {
            Zeros += times;
            return;
        }

        var index = (int)Math.Ceiling(Math.Log(value) / LogGamma);
        var count = _buckets.GetValueOrDefault(index) + times;
        if (count == 0)
        {
            _buckets.Remove(index);
        }
        else
        {
            _buckets[index] = count;
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> to this sketch.</summary>
    public void Merge(LatencySketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Count += other.Count;
        Zeros += other.Zeros;
        foreach (var (index, count) in other._buckets)
        {
            var sum = _buckets.GetValueOrDefault(index) + count;
            if (sum == 0)
            {
                _buckets.Remove(index);
            }
            else
            {
                _buckets[index] = sum;
            }
        }
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile as <c>numpy.percentile</c> defines it (linear interpolation between
    /// the order statistics at ranks ⌊h⌋ and ⌊h⌋ + 1, h = (n - 1) q), each order statistic replaced by its bucket's value:
    /// within a relative <see cref="RelativeAccuracy"/> of NumPy's figure. At most <paramref name="max"/>.
    /// </summary>
    /// <returns>The percentile, or <see langword="null"/> for an empty sketch.</returns>
    public double? Percentile(double percent, double max)
    {
        if (Count <= 0)
        {
            return null;
        }

        var h = percent / 100.0 * (Count - 1);
        var below = (long)Math.Floor(h);
        var above = Math.Min(below + 1, Count - 1);
        var gamma = h - below;
        var indexes = _buckets.Keys.ToArray();
        Array.Sort(indexes);
        var a = Math.Min(max, ValueAtRank(indexes, below));
        var b = Math.Min(max, ValueAtRank(indexes, above));
        var diff = b - a;
        return gamma >= 0.5 ? b - (diff * (1.0 - gamma)) : a + (diff * gamma);
    }

    /// <summary>Writes the sketch: its zero count, then its non-empty buckets.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Zeros);
        writer.Write(_buckets.Count);
        foreach (var (index, count) in _buckets)
        {
            writer.Write(index);
            writer.Write(count);
        }
    }

    /// <summary>Reads a sketch <see cref="Write"/> wrote.</summary>
    public static LatencySketch Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var sketch = new LatencySketch { Zeros = reader.ReadInt64() };
        sketch.Count = sketch.Zeros;
        var buckets = reader.ReadInt32();
        for (var i = 0; i < buckets; i++)
        {
            var index = reader.ReadInt32();
            var count = reader.ReadInt64();
            sketch._buckets[index] = count;
            sketch.Count += count;
        }

        return sketch;
    }

    // The representative value of the bucket holding the order statistic of 0-based rank `rank`.
    private double ValueAtRank(int[] sortedIndexes, long rank)
    {
        if (rank < Zeros)
        {
            return 0.0;
        }

        var seen = Zeros;
        foreach (var index in sortedIndexes)
        {
            seen += _buckets[index];
            if (rank < seen)
            {
                return 2.0 * Math.Pow(Gamma, index) / (Gamma + 1.0);
            }
        }

        return 2.0 * Math.Pow(Gamma, sortedIndexes[^1]) / (Gamma + 1.0);
    }
}

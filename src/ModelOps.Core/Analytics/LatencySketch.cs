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

    // The bucket indexes of finite values above the zero threshold: what stored bytes may hold.
    private static readonly int LowestIndex = (int)Math.Ceiling(Math.Log(ZeroThreshold) / LogGamma);
    private static readonly int HighestIndex = (int)Math.Ceiling(Math.Log(double.MaxValue) / LogGamma);

    private DenseCounts _buckets;

    /// <summary>The values counted.</summary>
    public long Count { get; private set; }

    /// <summary>The values counted as 0.</summary>
    public long Zeros { get; private set; }

    /// <summary>The number of non-empty buckets (values above <see cref="ZeroThreshold"/>).</summary>
    public int BucketCount => _buckets.NonZero;

    /// <summary>Counts <paramref name="value"/> (finite, non-negative) <paramref name="times"/> times; a negative number takes counts away.</summary>
    public void Add(double value, long times = 1)
    {
        Count += times;
        if (value <= ZeroThreshold)
        {
            Zeros += times;
            return;
        }

        _buckets.Add((int)Math.Ceiling(Math.Log(value) / LogGamma), times);
    }

    /// <summary>Adds every count of <paramref name="other"/> to this sketch.</summary>
    public void Merge(LatencySketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Count += other.Count;
        Zeros += other.Zeros;
        _buckets.Merge(other._buckets);
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
        var a = Math.Min(max, ValueAtRank(below));
        var b = Math.Min(max, ValueAtRank(above));
        var diff = b - a;
        return gamma >= 0.5 ? b - (diff * (1.0 - gamma)) : a + (diff * gamma);
    }

    /// <summary>Writes the sketch: its zero count, then its non-empty buckets in index order.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Zeros);
        writer.Write(_buckets.NonZero);
        for (var index = _buckets.Low; index < _buckets.High; index++)
        {
            if (_buckets[index] != 0)
            {
                writer.Write(index);
                writer.Write(_buckets[index]);
            }
        }
    }

    /// <summary>Adds the counts of a sketch <see cref="Write"/> wrote, read from <paramref name="reader"/>.</summary>
    internal void Merge(ref StatisticsReader reader)
    {
        var zeros = reader.ReadInt64();
        Zeros += zeros;
        Count += zeros;
        var buckets = reader.ReadCount(12);
        if (buckets > 0)
        {
            // Written in index order: room for the first to the last at once (any order still reads right).
            _buckets.Cover(Math.Max(LowestIndex, reader.PeekInt32(0)), Math.Min(HighestIndex, reader.PeekInt32((buckets - 1) * 12)) + 1);
        }

        for (var i = 0; i < buckets; i++)
        {
            var index = reader.ReadInt32();
            var count = reader.ReadInt64();
            if (index < LowestIndex || index > HighestIndex)
            {
                throw new FormatException($"a latency bucket {index} outside the sketch's buckets {LowestIndex} to {HighestIndex}");
            }

            _buckets.Add(index, count);
            Count += count;
        }
    }

    // The representative value of the bucket holding the order statistic of 0-based rank `rank`.
    private double ValueAtRank(long rank)
    {
        if (rank < Zeros)
        {
            return 0.0;
        }

        var seen = Zeros;
        var last = _buckets.Low;
        for (var index = _buckets.Low; index < _buckets.High; index++)
        {
            var count = _buckets[index];
            if (count == 0)
            {
                continue;
            }

            last = index;
            seen += count;
            if (rank < seen)
            {
                break;
            }
        }

        return 2.0 * Math.Pow(Gamma, last) / (Gamma + 1.0);
    }
}

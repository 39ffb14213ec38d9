namespace ModelOps.Core.Analytics;

/// <summary>
/// Counts by integer index in one array over the range of indexes seen (grown as counts arrive), the storage of
/// <see cref="LatencySketch"/> and <see cref="ScoreHistogram"/>: adding, merging and walking the counts in index order
/// cost no object per index, and a merge of two sketches is one pass over their ranges. A mutable struct: keep it in
/// a field and never copy it.
/// </summary>
internal struct DenseCounts
{
    private long[] _counts;
    private int _offset;

    /// <summary>The lowest index the array holds (counts may be 0); <see cref="int.MaxValue"/> before the first count.</summary>
    public readonly int Low => _counts is null ? int.MaxValue : _offset;

    /// <summary>One past the highest index the array holds; <see cref="int.MinValue"/> before the first count.</summary>
    public readonly int High => _counts is null ? int.MinValue : _offset + _counts.Length;

    /// <summary>The count at <paramref name="index"/> (0 outside the range held).</summary>
    public readonly long this[int index] => index >= Low && index < High ? _counts[index - _offset] : 0;

    /// <summary>The number of indexes with a count other than 0.</summary>
    public readonly int NonZero
    {
        get
        {
            var nonZero = 0;
            foreach (var count in _counts ?? [])
            {
                nonZero += count != 0 ? 1 : 0;
            }

            return nonZero;
        }
    }

    /// <summary>Adds <paramref name="times"/> (negative: takes away) at <paramref name="index"/>.</summary>
    public void Add(int index, long times)
    {
        Cover(index, index + 1);
        _counts[index - _offset] += times;
    }

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void Merge(in DenseCounts other)
    {
        if (other._counts is null)
        {
            return;
        }

        Cover(other.Low, other.High);
        var target = _counts.AsSpan(other._offset - _offset, other._counts.Length);
        for (var i = 0; i < target.Length; i++)
        {
            target[i] += other._counts[i];
        }
    }

    /// <summary>Makes the array hold the indexes [<paramref name="low"/>, <paramref name="high"/>), with room to grow either way.</summary>
    public void Cover(int low, int high)
    {
        if (high <= low)
        {
            return;
        }

        if (_counts is null)
        {
            _counts = new long[high - low];
            _offset = low;
            return;
        }

        if (low >= Low && high <= High)
        {
            return;
        }

        // Grow by at least half the current length on the side that needs it, so a run of new indexes costs few copies.
        var slack = Math.Max(1, _counts.Length / 2);
        var newLow = low < Low ? Math.Min(low, Low - slack) : Low;
        var newHigh = high > High ? Math.Max(high, High + slack) : High;
        var grown = new long[newHigh - newLow];
        _counts.CopyTo(grown.AsSpan(_offset - newLow));
        _counts = grown;
        _offset = newLow;
    }
}

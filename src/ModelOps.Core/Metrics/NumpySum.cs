using System.Buffers;

namespace ModelOps.Core.Metrics;

/// <summary>
/// Sums and means rounded exactly as NumPy 1.24 rounds them, so that results which hinge on rounding
/// (r2 of a constant target whose mean is not exact, for one) agree with scikit-learn to the last bit.
/// </summary>
/// <remarks>
/// NumPy's <c>add.reduce</c> over contiguous float64 runs in blocks of its ufunc buffer size (8192);
/// each block is summed by <c>pairwise_sum_DOUBLE</c> (<c>numpy/core/src/umath/loops_utils.h.src</c>):
/// fewer than 8 values in order, up to 128 values in 8 interleaved accumulators, more by halving at a
/// multiple of 8. The block sums are added in order to a total that starts at 0.
/// </remarks>
internal static class NumpySum
{
    private const int BufferSize = 8192;
    private const int PairwiseBlockSize = 128;

    /// <summary>The sum of <paramref name="values"/>, as <c>numpy.sum</c> computes it.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        var total = 0.0;
        for (var start = 0; start < values.Length; start += BufferSize)
        {
            total += Pairwise(values.Slice(start, Math.Min(BufferSize, values.Length - start)));
        }

        return total;
    }

    /// <summary>
    /// <c>numpy.average(values, weights=weights)</c>: the mean when <paramref name="weights"/> is empty, else
    /// <c>sum(values * weights) / sum(weights)</c>. Overwrites <paramref name="values"/> with the products.
    /// </summary>
    public static double Average(Span<double> values, ReadOnlySpan<double> weights)
    {
        if (weights.IsEmpty)
        {
            return Sum(values) / values.Length;
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= weights[i];
        }

        return Sum(values) / Sum(weights);
    }

    private static double Pairwise(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        if (n < 8)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += a[i];
            }

            return sum;
        }

        if (n <= PairwiseBlockSize)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            var i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += a[i];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }

            var sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                sum += a[i];
            }

            return sum;
        }

        var half = n / 2;
        half -= half % 8;
        return Pairwise(a[..half]) + Pairwise(a[half..]);
    }
}

/// <summary>A scratch array of doubles rented from the shared pool and returned on dispose.</summary>
internal ref struct PooledDoubles : IDisposable
{
    private double[]? _array;

    /// <summary>Rents room for <paramref name="length"/> values.</summary>
    public PooledDoubles(int length)
    {
        _array = ArrayPool<double>.Shared.Rent(length);
        Span = _array.AsSpan(0, length);
    }

    /// <summary>The rented values, exactly as many as asked for.</summary>
    public Span<double> Span { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<double>.Shared.Return(_array);
            _array = null;
        }
    }
}

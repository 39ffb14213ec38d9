using System.Runtime.CompilerServices;
using ModelOps.Core.Interop.Linux;

namespace ModelOps.Core.Learning;

/// <summary>
/// Sorts doubles by a least-significant-digit radix sort on their bits: a few linear passes where a
/// comparison sort takes n log n comparisons. Binning sorts a 200,000-value sample of every feature
/// once per fit; <see cref="Array.Sort{T}(T[])"/> took 45 ms a feature there (15 ms once the runtime
/// had optimized it, which takes dozens of calls), this about 3 ms.
/// </summary>
internal static class RadixSort
{
    private const int DigitBits = 8;
    private const int Buckets = 1 << DigitBits;
    private const int Digits = 64 / DigitBits;

    /// <summary>
    /// Sorts <paramref name="values"/> ascending. They must not be NaN; -0.0 sorts before 0.0, and
    /// otherwise the order is that of <c>&lt;</c>.
    /// </summary>
    // Compiled optimized at once: it runs a few times per process, too few for tiered compilation.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(Span<double> values)
    {
        var n = values.Length;
        if (n < 2)
        {
            return;
        }

        // Keys whose unsigned order is the numeric order: positives get the sign bit set, negatives are inverted.
        var keys = HugePages.AllocateUninitialized<ulong>(n); // both buffers are written in full before they are read
        var counts = new int[Digits * Buckets];
        for (var i = 0; i < n; i++)
        {
            var bits = BitConverter.DoubleToUInt64Bits(values[i]);
            var key = (bits >> 63) == 0 ? bits | (1UL << 63) : ~bits;
            keys[i] = key;
            for (var d = 0; d < Digits; d++)
            {
                counts[(d * Buckets) + (int)((key >> (d * DigitBits)) & (Buckets - 1))]++;
            }
        }

        var source = keys;
        var target = HugePages.AllocateUninitialized<ulong>(n);
        for (var d = 0; d < Digits; d++)
        {
            var digitCounts = counts.AsSpan(d * Buckets, Buckets);
            var shift = d * DigitBits;

            // A digit every key shares leaves the order as it is.
            if (digitCounts[(int)((source[0] >> shift) & (Buckets - 1))] == n)
            {
                continue;
            }

            var position = 0;
            for (var b = 0; b < Buckets; b++)
            {
                var count = digitCounts[b];
                digitCounts[b] = position;
                position += count;
            }

            foreach (var key in source)
            {
                target[digitCounts[(int)((key >> shift) & (Buckets - 1))]++] = key;
            }

            (source, target) = (target, source);
        }

        for (var i = 0; i < n; i++)
        {
            var key = source[i];
            values[i] = BitConverter.UInt64BitsToDouble((key >> 63) == 1 ? key & ~(1UL << 63) : ~key);
        }
    }
}

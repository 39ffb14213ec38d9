using System.Numerics;

namespace ModelOps.Core.Data;

/// <summary>A bit set marking null rows; <see langword="null"/> masks mean "no nulls".</summary>
internal static class NullMask
{
    public static ulong[] Create(int length) => new ulong[(length + 63) >> 6];

    public static bool IsSet(ulong[]? mask, int row) => mask is not null && (mask[row >> 6] & (1UL << (row & 63))) != 0;

    public static void Set(ulong[] mask, int row) => mask[row >> 6] |= 1UL << (row & 63);

    public static int Count(ulong[]? mask)
    {
        if (mask is null)
        {
            return 0;
        }

        var count = 0;
        foreach (var word in mask)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    /// <summary>Grows <paramref name="mask"/> (allocating it on first use) so that it holds <paramref name="length"/> bits.</summary>
    public static ulong[] Ensure(ulong[]? mask, int length)
    {
        var words = (length + 63) >> 6;
        if (mask is null)
        {
            return new ulong[Math.Max(words, 4)];
        }

        if (mask.Length < words)
        {
            Array.Resize(ref mask, Math.Max(words, mask.Length * 2));
        }

        return mask;
    }

    /// <summary>Trims a builder's mask to <paramref name="length"/> bits; returns null when no bit is set.</summary>
    public static ulong[]? Seal(ulong[]? mask, int length)
    {
        if (mask is null)
        {
            return null;
        }

        var words = (length + 63) >> 6;
        if (mask.Length != words)
        {
            Array.Resize(ref mask, words);
        }

        return Count(mask) == 0 ? null : mask;
    }
}

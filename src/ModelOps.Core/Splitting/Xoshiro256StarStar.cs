using ModelOps.Core.Randomness;

namespace ModelOps.Core.Splitting;

/// <summary>
/// The xoshiro256** generator (Blackman and Vigna, 2018), seeded through SplitMix64. Its output
/// depends only on the seed, on every runtime and machine, unlike <see cref="Random"/> whose
/// algorithm is not part of its contract; shuffled splits are reproducible because of it.
/// </summary>
internal sealed class Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>A generator whose state is four SplitMix64 outputs from <paramref name="seed"/>, as the authors recommend.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        var seeder = new SplitMix64(seed);
        _s0 = seeder.Next();
        _s1 = seeder.Next();
        _s2 = seeder.Next();
        _s3 = seeder.Next();
    }

    /// <summary>A generator for a user-facing 32-bit seed (negative seeds are distinct seeds too).</summary>
    public static Xoshiro256StarStar FromSeed(int seed) => new(unchecked((ulong)(long)seed));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>
    /// A uniform integer in <c>0..exclusiveMax-1</c>, without modulo bias (Lemire 2019, "Fast random
    /// integer generation in an interval": multiply, and reject the few low products that would bias).
    /// </summary>
    public int NextInt32(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        var bound = (ulong)exclusiveMax;
        var high = Math.BigMul(NextUInt64(), bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), bound, out low);
            }
        }

        return (int)high;
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates, from the end).</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}

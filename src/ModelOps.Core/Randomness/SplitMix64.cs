namespace ModelOps.Core.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast generator whose sequence is fixed by its
/// seed on every platform, so seeded training is reproducible byte for byte.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, bound) (Lemire's multiply-shift; bias below 2^-32 for bounds under 2^32).</summary>
    public ulong NextBounded(ulong bound) => (ulong)(((UInt128)Next() * bound) >> 64);

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A seed for stream <paramref name="index"/> derived from <paramref name="seed"/> (independent streams per tree).</summary>
    public static ulong Derive(ulong seed, ulong index)
    {
        var mixer = new SplitMix64(seed ^ (index * 0xD1B54A32D192ED03UL));
        return mixer.Next();
    }
}

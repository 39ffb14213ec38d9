using ModelOps.Core.Randomness;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>A seeded SplitMix64 generator with Box–Muller normals: the simulations repeat exactly on every machine.</summary>
internal sealed class TestRandom(ulong seed)
{
    private SplitMix64 _random = new(seed);
    private double? _spare;

    public double NextDouble() => _random.NextDouble();

    public double NextNormal()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return spare;
        }

        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        _spare = radius * Math.Sin(2.0 * Math.PI * u2);
        return radius * Math.Cos(2.0 * Math.PI * u2);
    }
}

using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Tests.Search;

/// <summary>Small synthetic frames whose best hyper-parameters are known.</summary>
internal static class SearchData
{
    /// <summary>
    /// y = floor(4x) + noise: a step function with four levels, which a tree of depth 2 fits exactly;
    /// shallower trees miss steps, deeper ones fit the noise (and the useless column z).
    /// </summary>
    public static (Frame Inputs, Column Target) Steps(int rows = 200, int seed = 1)
    {
        var random = new SplitMix64((ulong)seed);
        var x = new double[rows];
        var z = new double[rows];
        var y = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            x[i] = random.NextDouble();
            z[i] = random.NextDouble();
            y[i] = Math.Floor(4 * x[i]) + (0.5 * Normal(ref random));
        }

        return (new Frame(new Float64Column("x", x), new Float64Column("z", z)), new Float64Column("y", y));
    }

    /// <summary>y = 1 when x + noise is above 0.5: a classifier should rank by x.</summary>
    public static (Frame Inputs, Column Target) Classes(int rows = 200, int seed = 2)
    {
        var random = new SplitMix64((ulong)seed);
        var x = new double[rows];
        var z = new double[rows];
        var y = new long[rows];
        for (var i = 0; i < rows; i++)
        {
            x[i] = random.NextDouble();
            z[i] = random.NextDouble();
            y[i] = x[i] + (0.2 * Normal(ref random)) > 0.5 ? 1 : 0;
        }

        return (new Frame(new Float64Column("x", x), new Float64Column("z", z)), new Int64Column("y", y));
    }

    public static Model Model(LearnerOptions learner) => new([new PassthroughStep(["x", "z"])], learner);

    public static Model Tree() => Model(new DecisionTreeRegressorOptions());

    private static double Normal(ref SplitMix64 random)
    {
        // Box-Muller; 1 - u keeps the logarithm finite.
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}

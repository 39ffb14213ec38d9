using ModelOps.Core.Search;

namespace ModelOps.Core.Tests.Search;

public sealed class RandomSearchOptionsTests
{
    private static RandomSearchOptions Mixed(int seed = 7, int nIter = 3) => new()
    {
        Distributions =
        [
            new("a", new UniformDistribution { Low = 0, High = 10 }),
            new("b", new IntRangeDistribution { Low = 1, High = 6 }),
            new("c", new ChoiceDistribution { Values = ["x", true, null] }),
            new("d", new LogUniformDistribution { Low = 1e-3, High = 1 }),
        ],
        NIter = nIter,
        Seed = seed,
    };

    // Expected values from an independent Python implementation of SplitMix64 and the same draws
    // (one number per parameter per candidate, in order); a change here breaks the reproducibility
    // of every stored random search.
    [Fact]
    public void Candidates_Seed7_PinnedValues()
    {
        var candidates = Searcher.Create(Mixed()).Candidates;

        Assert.Equal(3, candidates.Count);
        Assert.Equal([3.8982974839127147, 4.524418950114684, 1.3425829880844864], candidates.Select(c => (double)c["a"]!));
        Assert.Equal([1, 2, 3], candidates.Select(c => (int)c["b"]!));
        Assert.Equal([null, true, "x"], candidates.Select(c => c["c"]));
        double[] logUniform = [0.0560777885970503, 0.009643400802881136, 0.7579180145784361];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(logUniform[i], (double)candidates[i]["d"]!, logUniform[i] * 1e-15);
        }
    }

    [Fact]
    public void Candidates_SameSeed_SameCandidates()
    {
        Assert.Equal(Searcher.Create(Mixed(11, 50)).Candidates, Searcher.Create(Mixed(11, 50)).Candidates);
    }

    [Fact]
    public void Candidates_OtherSeed_OtherCandidates()
    {
        Assert.NotEqual(Searcher.Create(Mixed(11, 50)).Candidates, Searcher.Create(Mixed(12, 50)).Candidates);
    }

    [Fact]
    public void Candidates_MoreIterations_ExtendTheSameSequence()
    {
        Assert.Equal(Searcher.Create(Mixed(5, 10)).Candidates, Searcher.Create(Mixed(5, 20)).Candidates.Take(10));
    }

    [Fact]
    public void Candidates_Uniform_WithinBoundsAndSpread()
    {
        var values = Draw(new UniformDistribution { Low = -2, High = 3 }, 2000);

        Assert.All(values, v => Assert.InRange(v, -2, 3));
        Assert.InRange(values.Average(), 0.3, 0.7);
        Assert.InRange(values.Count(v => v < -1), 320, 480);
    }

    [Fact]
    public void Candidates_LogUniform_WithinBoundsAndEvenPerDecade()
    {
        var values = Draw(new LogUniformDistribution { Low = 1e-4, High = 1 }, 4000);

        Assert.All(values, v => Assert.InRange(v, 1e-4, 1));

        // Four decades, each about a quarter of the draws (a uniform draw would put 90% in the last one).
        var perDecade = new int[4];
        foreach (var v in values)
        {
            perDecade[Math.Min(3, (int)Math.Floor(Math.Log10(v) + 4))]++;
        }

        Assert.All(perDecade, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void Candidates_IntRange_EveryValueBothEndsIncluded()
    {
        var options = new RandomSearchOptions
        {
            Distributions = [new("max_depth", new IntRangeDistribution { Low = 2, High = 5 })],
            NIter = 400,
        };

        var values = Searcher.Create(options).Candidates.Select(c => c["max_depth"]).ToArray();

        Assert.All(values, v => Assert.IsType<int>(v));
        Assert.Equal([2, 3, 4, 5], values.Cast<int>().Distinct().Order());
        Assert.All(values.GroupBy(v => v), g => Assert.InRange(g.Count(), 70, 130));
    }

    [Fact]
    public void Candidates_EqualBounds_AlwaysThatValue()
    {
        var options = new RandomSearchOptions
        {
            Distributions = [new("a", new LogUniformDistribution { Low = 0.1, High = 0.1 }), new("b", new IntRangeDistribution { Low = 3, High = 3 })],
            NIter = 5,
        };

        Assert.All(Searcher.Create(options).Candidates, c => Assert.Equal("a=0.1, b=3", c.ToString()));
    }

    [Fact]
    public void Create_NIterZero_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Searcher.Create(Mixed(nIter: 0)));

        Assert.Equal("Invalid RandomSearch options: NIter=0 must be at least 1 and at most 1,000,000. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void Create_NoDistributions_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Searcher.Create(new RandomSearchOptions()));

        Assert.Equal("Invalid RandomSearch options: Distributions must list at least one parameter. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void Create_LogUniformLowZero_Throws()
    {
        var options = new RandomSearchOptions { Distributions = [new("learning_rate", new LogUniformDistribution { Low = 0, High = 1 })] };

        var error = Assert.Throws<ArgumentException>(() => Searcher.Create(options));

        Assert.Equal(
            "Invalid RandomSearch options: Distributions parameter 'learning_rate': LogUniform Low=0 must be greater than 0 (the logarithm of 0 or less is undefined). (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void Create_BadBoundsEverywhere_ListsEveryProblem()
    {
        var options = new RandomSearchOptions
        {
            Distributions =
            [
                new("a", new UniformDistribution { Low = 2, High = 1 }),
                new("b", new IntRangeDistribution { Low = 9, High = 3 }),
                new("c", new LogUniformDistribution { Low = -1, High = -2 }),
                new("d", new UniformDistribution { Low = double.NaN, High = double.PositiveInfinity }),
                new("e", new ChoiceDistribution { Values = [] }),
                new("f", null!),
            ],
            NIter = -3,
        };

        var error = Assert.Throws<ArgumentException>(() => Searcher.Create(options));

        Assert.Equal(
            "Invalid RandomSearch options: NIter=-3 must be at least 1 and at most 1,000,000; " +
            "Distributions parameter 'a': Uniform Low=2 must be at most High=1; " +
            "Distributions parameter 'b': IntRange Low=9 must be at most High=3; " +
            "Distributions parameter 'c': LogUniform Low=-1 must be greater than 0 (the logarithm of 0 or less is undefined); " +
            "Distributions parameter 'c': LogUniform Low=-1 must be at most High=-2; " +
            "Distributions parameter 'd': Uniform Low=NaN must be a finite number; " +
            "Distributions parameter 'd': Uniform High=Infinity must be a finite number; " +
            "Distributions parameter 'e': Choice Values must hold at least one value; " +
            "Distributions parameter 'f' has no distribution. (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void Kinds_StableNames()
    {
        Assert.Equal(["GridSearch", "RandomSearch"], SearcherKinds.All);
        Assert.Equal(["Uniform", "LogUniform", "IntRange", "Choice"], DistributionKinds.All);
        Assert.Equal("LogUniform", new LogUniformDistribution { Low = 1, High = 2 }.Kind);
        Assert.Equal("RandomSearch", new RandomSearchOptions().Kind);
    }

    private static double[] Draw(ParameterDistribution distribution, int count) =>
        [.. Searcher.Create(new RandomSearchOptions { Distributions = [new("v", distribution)], NIter = count, Seed = 3 })
            .Candidates.Select(c => (double)c["v"]!)];
}

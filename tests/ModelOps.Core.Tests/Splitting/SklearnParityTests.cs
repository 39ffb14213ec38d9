using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Splitting;

/// <summary>Every splitter against scikit-learn 1.2.1's exact indices (tests/fixtures/splitters/splitters.json).</summary>
public sealed class SklearnParityTests
{
    [Theory]
    [MemberData(nameof(SklearnFixture.SplitCases), MemberType = typeof(SklearnFixture))]
    public void Split_SklearnCase_MatchesEveryFoldExactly(string name)
    {
        var expected = SklearnFixture.Get(name);
        var splitter = Splitter.Create(expected.ToOptions());

        var folds = splitter.Split(expected.N, expected.Labels);

        Assert.Equal(expected.Kind, splitter.Kind);
        Assert.Equal(expected.Folds!.Length, splitter.SplitCount);
        Assert.Equal(expected.Folds.Length, folds.Count);
        for (var i = 0; i < folds.Count; i++)
        {
            Assert.Equal(i, folds[i].Index);
            Assert.Equal(SklearnFold.Expand(expected.Folds[i].Train), folds[i].Train.ToArray());
            Assert.Equal(SklearnFold.Expand(expected.Folds[i].Test), folds[i].Test.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(SklearnFixture.ErrorCases), MemberType = typeof(SklearnFixture))]
    public void Split_SklearnRejects_ThrowsArgumentException(string name)
    {
        var expected = SklearnFixture.Get(name);
        var splitter = Splitter.Create(expected.ToOptions());

        var error = Assert.Throws<ArgumentException>(() => splitter.Split(expected.N, expected.Labels));

        Assert.NotNull(error.ParamName);
    }

    [Fact]
    public void Fixture_GeneratedWithSklearn121()
    {
        SklearnFixture.Get("kfold_n7_k2");

        Assert.Equal("1.2.1", SklearnFixture.SklearnVersion);
    }
}

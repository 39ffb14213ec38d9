using ModelOps.Core.Text;

namespace ModelOps.Core.Tests.Text;

public sealed class NameSuggestionsTests
{
    private static readonly string[] Keys = ["max_depth", "max_features", "min_samples_leaf", "n_estimators"];

    [Theory]
    [InlineData("max_dept", "max_depth")]
    [InlineData("MAX_DEPTH", "max_depth")]
    [InlineData("max_detph", "max_depth")]
    [InlineData("n_estimator", "n_estimators")]
    [InlineData("min_sample_leaf", "min_samples_leaf")]
    public void Closest_NearMiss_SuggestsKey(string name, string expected)
    {
        Assert.Equal(expected, NameSuggestions.Closest(name, Keys));
    }

    [Fact]
    public void Closest_FarOff_SuggestsNothing()
    {
        Assert.Null(NameSuggestions.Closest("learning_rate", Keys));
        Assert.Equal(string.Empty, NameSuggestions.Hint("seed", Keys));
    }

    [Fact]
    public void Hint_NearMiss_IsMessageTail()
    {
        Assert.Equal(", did you mean max_depth?", NameSuggestions.Hint("max_dept", Keys));
    }

    [Fact]
    public void Nearest_MoreCandidatesThanCount_ReturnsClosestFirst()
    {
        Assert.Equal(["max_depth", "max_features"], NameSuggestions.Nearest("max_dept", Keys, 2));
        Assert.Equal(Keys.Length, NameSuggestions.Nearest("x", Keys, 10).Count);
    }
}

using ModelOps.Core.Search;

namespace ModelOps.Core.Tests.Search;

public sealed class GridSearchOptionsTests
{
    [Fact]
    public void Candidates_TwoParameters_AllCombinationsLastVaryingFastest()
    {
        var searcher = Searcher.Create(new GridSearchOptions
        {
            Grid = [new("max_depth", [1, 2, 3]), new("max_features", ["all", "sqrt"])],
        });

        Assert.Equal(SearcherKinds.GridSearch, searcher.Kind);
        Assert.Equal(
            [
                "max_depth=1, max_features=all", "max_depth=1, max_features=sqrt",
                "max_depth=2, max_features=all", "max_depth=2, max_features=sqrt",
                "max_depth=3, max_features=all", "max_depth=3, max_features=sqrt",
            ],
            searcher.Candidates.Select(c => c.ToString()));
    }

    [Fact]
    public void Candidates_ParametersInGivenOrder_NotSorted()
    {
        var searcher = Searcher.Create(new GridSearchOptions
        {
            Grid = [new("seed", [0, 1]), new("max_depth", [null, 2]), new("bootstrap", [true, false])],
        });

        Assert.Equal(8, searcher.Candidates.Count);
        Assert.Equal(["seed", "max_depth", "bootstrap"], searcher.Candidates[0].Names);
        Assert.Equal("seed=0, max_depth=null, bootstrap=true", searcher.Candidates[0].ToString());
        Assert.Equal("seed=0, max_depth=null, bootstrap=false", searcher.Candidates[1].ToString());
        Assert.Equal("seed=0, max_depth=2, bootstrap=true", searcher.Candidates[2].ToString());
        Assert.Equal("seed=1, max_depth=null, bootstrap=true", searcher.Candidates[4].ToString());
        Assert.Equal("seed=1, max_depth=2, bootstrap=false", searcher.Candidates[7].ToString());
        Assert.Null(searcher.Candidates[0]["max_depth"]);
        Assert.Equal(2, searcher.Candidates[7]["max_depth"]);
    }

    [Fact]
    public void Candidates_OneParameterOneValue_OneCandidate()
    {
        var searcher = Searcher.Create(new GridSearchOptions { Grid = [new("max_depth", [4])] });

        Assert.Equal([new ParameterSet([new("max_depth", (object?)4)])], searcher.Candidates);
    }

    [Fact]
    public void Create_EmptyGrid_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Searcher.Create(new GridSearchOptions()));

        Assert.Equal("Invalid GridSearch options: Grid must list at least one parameter. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void Create_ParameterWithoutValuesAndRepeatedName_ListsEveryProblem()
    {
        var options = new GridSearchOptions
        {
            Grid = [new("max_depth", []), new("seed", [1]), new("seed", [2]), new(" ", [1])],
            MaxParallelTrials = 0,
        };

        var error = Assert.Throws<ArgumentException>(() => Searcher.Create(options));

        Assert.Equal(
            "Invalid GridSearch options: MaxParallelTrials=0 must be at least 1; Grid parameter 'max_depth' has no values (list at least one); " +
            "Grid parameter 'seed' is listed more than once; Grid has a parameter without a name. (Parameter 'options')",
            error.Message);
        Assert.Equal(4, Searcher.Validate(options).Count);
    }

    [Fact]
    public void Create_MoreThanAMillionCombinations_Throws()
    {
        var thousand = Enumerable.Range(0, 1000).Cast<object?>().ToArray();
        var options = new GridSearchOptions { Grid = [new("a", thousand), new("b", thousand), new("c", [1, 2])] };

        var error = Assert.Throws<ArgumentException>(() => Searcher.Create(options));

        Assert.Equal(
            "Invalid GridSearch options: Grid has 2,000,000 combinations; at most 1,000,000 are allowed (use RandomSearch for larger spaces). (Parameter 'options')",
            error.Message);
    }
}

using ModelOps.Core.Models;

namespace ModelOps.Core.Search;

/// <summary>One row of a search's results table: a candidate and its scores across the folds.</summary>
public sealed record SearchTrial
{
    /// <summary>The position of the candidate among the candidates, from 0.</summary>
    public required int CandidateIndex { get; init; }

    /// <summary>The candidate's parameters.</summary>
    public required ParameterSet Parameters { get; init; }

    /// <summary>The test score on each fold, in fold order.</summary>
    public required IReadOnlyList<double> FoldScores { get; init; }

    /// <summary>The mean of <see cref="FoldScores"/>, rounded as NumPy does (scikit-learn's <c>mean_test_score</c>).</summary>
    public required double MeanScore { get; init; }

    /// <summary>The population standard deviation of <see cref="FoldScores"/> (divided by the fold count, scikit-learn's <c>std_test_score</c>).</summary>
    public required double StdScore { get; init; }

    /// <summary>The seconds each fold's fit took, in fold order (measured; they differ between runs).</summary>
    public required IReadOnlyList<double> FoldFitSeconds { get; init; }

    /// <summary>The mean of <see cref="FoldFitSeconds"/>.</summary>
    public required double MeanFitSeconds { get; init; }

    /// <summary>
    /// 1 for the best mean score; equal scores share the smaller rank (scikit-learn's <c>rank_test_score</c>);
    /// a NaN mean ranks after every number.
    /// </summary>
    public required int Rank { get; init; }
}

/// <summary>The outcome of a search: every trial, the best candidate and, with refit, the best model fitted on all rows.</summary>
public sealed record SearchResult
{
    /// <summary>The searcher's kind (see <see cref="SearcherKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The name of the metric that scored the trials.</summary>
    public required string Metric { get; init; }

    /// <summary>Whether a higher score is better for <see cref="Metric"/>.</summary>
    public required bool GreaterIsBetter { get; init; }

    /// <summary>The number of folds every candidate was scored on.</summary>
    public required int FoldCount { get; init; }

    /// <summary>The results table: one row per candidate, in candidate order.</summary>
    public required IReadOnlyList<SearchTrial> Trials { get; init; }

    /// <summary>The candidate index of the best mean score; on a tie, the earliest candidate.</summary>
    public required int BestIndex { get; init; }

    /// <summary>The best candidate's parameters.</summary>
    public ParameterSet BestParameters => Trials[BestIndex].Parameters;

    /// <summary>The best mean score.</summary>
    public double BestScore => Trials[BestIndex].MeanScore;

    /// <summary>The best candidate fitted on all rows, or <see langword="null"/> when <see cref="SearchOptions.Refit"/> is false.</summary>
    public IModel? BestModel { get; init; }

    /// <summary>The seconds the refit took (0 without refit).</summary>
    public double RefitSeconds { get; init; }
}

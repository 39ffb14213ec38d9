namespace ModelOps.Core.Search;

/// <summary>
/// A report that one trial (a candidate evaluated on every fold) is done. Reports come one at a
/// time, in the order trials finish, which with parallel trials need not be the candidate order.
/// </summary>
public sealed record SearchProgress
{
    /// <summary>How many trials are done, this one included: 1 for the first report, <see cref="TotalTrials"/> for the last.</summary>
    public required int CompletedTrials { get; init; }

    /// <summary>How many trials the search runs (the number of candidates).</summary>
    public required int TotalTrials { get; init; }

    /// <summary>The position of this trial's candidate among the candidates, from 0.</summary>
    public required int CandidateIndex { get; init; }

    /// <summary>This trial's parameters.</summary>
    public required ParameterSet Parameters { get; init; }

    /// <summary>This trial's mean test score across the folds.</summary>
    public required double Score { get; init; }

    /// <summary>The best mean score among the trials done so far.</summary>
    public required double BestScore { get; init; }

    /// <summary>The candidate index of <see cref="BestScore"/> (the earliest candidate on a tie).</summary>
    public required int BestCandidateIndex { get; init; }

    /// <summary>The parameters of <see cref="BestScore"/>.</summary>
    public required ParameterSet BestParameters { get; init; }
}

namespace ModelOps.Core.Search;

/// <summary>
/// The options of one searcher kind. Pass them to <see cref="Searcher.Create(SearchOptions)"/>,
/// which validates them once and lists every problem in one message.
/// </summary>
public abstract record SearchOptions
{
    private protected SearchOptions()
    {
    }

    /// <summary>The kind name of the searcher these options make (see <see cref="SearcherKinds"/>).</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// The most trials (one candidate evaluated on every fold) that run at once. Results do not
    /// depend on it; only the order of progress reports does.
    /// </summary>
    /// <value>Default <see langword="null"/>: <see cref="Environment.ProcessorCount"/>. At least 1 when set.</value>
    public int? MaxParallelTrials { get; init; }

    /// <summary>Whether the best candidate is fitted again on all rows once the search is over (<see cref="SearchResult.BestModel"/>).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Refit { get; init; } = SearchDefaults.Refit;

    /// <summary>Adds one phrase per invalid option, naming it, its value and the allowed range.</summary>
    internal virtual void CollectProblems(List<string> problems)
    {
        if (MaxParallelTrials is < 1)
        {
            problems.Add($"MaxParallelTrials={MaxParallelTrials} must be at least 1");
        }
    }

    /// <summary>The candidates, in order, for options that <see cref="CollectProblems"/> found valid.</summary>
    internal abstract IReadOnlyList<ParameterSet> CreateCandidates();

    /// <summary>Adds a problem for a missing, blank or repeated parameter name.</summary>
    private protected static void CheckName(string list, string? name, HashSet<string> seen, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add($"{list} has a parameter without a name");
        }
        else if (!seen.Add(name))
        {
            problems.Add($"{list} parameter '{name}' is listed more than once");
        }
    }
}

namespace ModelOps.Core.Search;

/// <summary>The default option values, in one place; the options' XML docs state them.</summary>
internal static class SearchDefaults
{
    /// <summary>Candidates a random search draws (scikit-learn's <c>RandomizedSearchCV</c> default).</summary>
    public const int NIter = 10;

    /// <summary>The seed of a random search.</summary>
    public const int Seed = 0;

    /// <summary>Whether the best candidate is fitted again on all rows after the search.</summary>
    public const bool Refit = true;

    /// <summary>The most candidates a search may have (a larger grid is almost always a mistake in the config).</summary>
    public const int MaxCandidates = 1_000_000;

    /// <summary>The most problems one exception lists before it says how many more there are.</summary>
    public const int MaxProblemsListed = 10;
}

namespace ModelOps.Core.Search;

/// <summary>
/// The stable kind names that configs use (the <c>KIND</c> field) to pick a hyper-parameter searcher.
/// They never change once released: stored configs and run records refer to them.
/// </summary>
public static class SearcherKinds
{
    /// <summary>Every combination of listed values; see <see cref="GridSearchOptions"/>.</summary>
    public const string GridSearch = "GridSearch";

    /// <summary>A seeded number of draws from per-parameter distributions; see <see cref="RandomSearchOptions"/>.</summary>
    public const string RandomSearch = "RandomSearch";

    /// <summary>Every kind name, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [GridSearch, RandomSearch];
}

namespace ModelOps.Core.Splitting;

/// <summary>
/// The stable kind names that configs use (the <c>KIND</c> field) to pick a splitter.
/// They never change once released: stored configs and run records refer to them.
/// </summary>
public static class SplitterKinds
{
    /// <summary>One split: the first rows train, the last rows test (or a seeded shuffle); see <see cref="TrainTestSplitOptions"/>.</summary>
    public const string TrainTestSplit = "TrainTestSplit";

    /// <summary>Expanding (or sliding) windows over time-ordered rows; see <see cref="TimeSeriesSplitOptions"/>.</summary>
    public const string TimeSeriesSplit = "TimeSeriesSplit";

    /// <summary>K consecutive (or seeded shuffled) folds; see <see cref="KFoldOptions"/>.</summary>
    public const string KFold = "KFold";

    /// <summary>K folds that keep each class's share of rows; see <see cref="StratifiedKFoldOptions"/>.</summary>
    public const string StratifiedKFold = "StratifiedKFold";

    /// <summary>Every kind name, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [TrainTestSplit, TimeSeriesSplit, KFold, StratifiedKFold];
}

namespace ModelOps.Core.Splitting;

/// <summary>
/// Options of the <see cref="SplitterKinds.StratifiedKFold"/> splitter: like
/// <see cref="KFoldOptions"/>, but every fold gets each class's rows in the same proportion
/// (within one row). Needs one class label per row (binary or multi-class, whole numbers).
/// Without shuffling the folds equal scikit-learn 1.2's <c>StratifiedKFold(n_splits)</c> exactly.
/// </summary>
/// <remarks>
/// A class with fewer rows than <see cref="NSplits"/> is allowed (scikit-learn only warns): it is
/// missing from some test folds. When every class is smaller than <see cref="NSplits"/> the split
/// fails.
/// </remarks>
public sealed record StratifiedKFoldOptions : SplitterOptions
{
    /// <inheritdoc/>
    public override string Kind => SplitterKinds.StratifiedKFold;

    /// <summary>The number of folds, at least 2, at most the number of rows and at most the largest class's row count.</summary>
    /// <value>Default 5.</value>
    public int NSplits { get; init; } = SplitterDefaults.NSplits;

    /// <summary>
    /// Whether each class's rows are dealt to the folds in a shuffled order (with <see cref="Seed"/>)
    /// rather than in blocks; the number of rows of each class per fold is the same either way.
    /// </summary>
    /// <value>Default <see langword="false"/> (scikit-learn's default too).</value>
    public bool Shuffle { get; init; } = SplitterDefaults.Shuffle;

    /// <summary>
    /// The seed of the shuffle; the same seed gives the same folds on every run and machine.
    /// Ignored when <see cref="Shuffle"/> is false.
    /// </summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; } = SplitterDefaults.Seed;

    internal override void CollectProblems(List<string> problems) => CheckNSplits(NSplits, problems);

    internal override ISplitter CreateValidated() => new StratifiedKFoldSplitter(this);
}

namespace ModelOps.Core.Splitting;

/// <summary>
/// Options of the <see cref="SplitterKinds.KFold"/> splitter: the rows are cut into
/// <see cref="NSplits"/> consecutive folds (the first <c>n % NSplits</c> folds get one extra row)
/// and each fold is the test part once, the other rows its training part. Without shuffling the
/// folds equal scikit-learn's <c>KFold(n_splits)</c> exactly.
/// </summary>
public sealed record KFoldOptions : SplitterOptions
{
    /// <inheritdoc/>
    public override string Kind => SplitterKinds.KFold;

    /// <summary>The number of folds, at least 2 and at most the number of rows.</summary>
    /// <value>Default 5.</value>
    public int NSplits { get; init; } = SplitterDefaults.NSplits;

    /// <summary>Whether rows are shuffled (with <see cref="Seed"/>) before they are cut into folds.</summary>
    /// <value>Default <see langword="false"/>: rows keep their order (scikit-learn's default too).</value>
    public bool Shuffle { get; init; } = SplitterDefaults.Shuffle;

    /// <summary>
    /// The seed of the shuffle; the same seed gives the same folds on every run and machine.
    /// Ignored when <see cref="Shuffle"/> is false.
    /// </summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; } = SplitterDefaults.Seed;

    internal override void CollectProblems(List<string> problems) => CheckNSplits(NSplits, problems);

    internal override ISplitter CreateValidated() => new KFoldSplitter(this);
}

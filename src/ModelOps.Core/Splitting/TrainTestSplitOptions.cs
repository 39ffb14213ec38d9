namespace ModelOps.Core.Splitting;

/// <summary>
/// Options of the <see cref="SplitterKinds.TrainTestSplit"/> splitter: one fold. Sizes follow
/// scikit-learn's <c>train_test_split</c>: a fractional test size is rounded up
/// (<c>ceil(TestSize * n)</c>), a fractional train size down, and a missing size is the rest of the
/// rows. Without shuffling the training part is the first rows and the test part the rows right
/// after it (the last rows when only one size is given), exactly like
/// <c>train_test_split(..., shuffle=False)</c>.
/// </summary>
public sealed record TrainTestSplitOptions : SplitterOptions
{
    /// <inheritdoc/>
    public override string Kind => SplitterKinds.TrainTestSplit;

    /// <summary>The size of the test part: a row count of at least 1, or a fraction in (0, 1) rounded up.</summary>
    /// <value>
    /// Default <see langword="null"/>: the rows that <see cref="TrainSize"/> leaves, or 0.25 of the
    /// rows when <see cref="TrainSize"/> is not set either.
    /// </value>
    public SplitSize? TestSize { get; init; }

    /// <summary>The size of the training part: a row count of at least 1, or a fraction in (0, 1) rounded down.</summary>
    /// <value>Default <see langword="null"/>: the rows that the test part leaves.</value>
    public SplitSize? TrainSize { get; init; }

    /// <summary>Whether rows are shuffled (with <see cref="Seed"/>) before they are divided.</summary>
    /// <value>
    /// Default <see langword="false"/>: time-ordered data is the default here, so the test part is
    /// later than the training part. (scikit-learn's <c>train_test_split</c> shuffles by default.)
    /// </value>
    public bool Shuffle { get; init; } = SplitterDefaults.Shuffle;

    /// <summary>
    /// The seed of the shuffle; the same seed gives the same split on every run and machine.
    /// Ignored when <see cref="Shuffle"/> is false.
    /// </summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; } = SplitterDefaults.Seed;

    internal override void CollectProblems(List<string> problems)
    {
        if (TestSize is { IsValid: false } test)
        {
            problems.Add($"TestSize={test} must be a row count of at least 1 or a fraction in (0, 1)");
        }

        if (TrainSize is { IsValid: false } train)
        {
            problems.Add($"TrainSize={train} must be a row count of at least 1 or a fraction in (0, 1)");
        }

        if (TestSize is { IsValid: true, IsFraction: true } testFraction
            && TrainSize is { IsValid: true, IsFraction: true } trainFraction
            && testFraction.Fraction + trainFraction.Fraction > 1)
        {
            problems.Add($"TrainSize={trainFraction} plus TestSize={testFraction} is more than 1 (all the rows)");
        }
    }

    internal override ISplitter CreateValidated() => new TrainTestSplitter(this);
}

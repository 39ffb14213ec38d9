namespace ModelOps.Core.Splitting;

/// <summary>
/// Options of the <see cref="SplitterKinds.TimeSeriesSplit"/> splitter for time-ordered rows: the
/// last <c>NSplits * TestSize</c> rows are cut into <see cref="NSplits"/> consecutive test windows,
/// and each window trains on the rows before it, less <see cref="Gap"/> rows, at most
/// <see cref="MaxTrainSize"/> of them. The folds equal scikit-learn's
/// <c>TimeSeriesSplit(n_splits, max_train_size, test_size, gap)</c> exactly.
/// </summary>
public sealed record TimeSeriesSplitOptions : SplitterOptions
{
    /// <inheritdoc/>
    public override string Kind => SplitterKinds.TimeSeriesSplit;

    /// <summary>The number of folds (test windows), at least 2.</summary>
    /// <value>Default 5.</value>
    public int NSplits { get; init; } = SplitterDefaults.NSplits;

    /// <summary>The rows in each test window, at least 1 when set.</summary>
    /// <value>Default <see langword="null"/>: <c>rows / (NSplits + 1)</c>, rounded down.</value>
    public int? TestSize { get; init; }

    /// <summary>The rows left out between the end of each training window and the start of its test window, 0 or more.</summary>
    /// <value>Default 0.</value>
    public int Gap { get; init; } = SplitterDefaults.Gap;

    /// <summary>The most rows a training window keeps (its latest ones), at least 1 when set.</summary>
    /// <value>Default <see langword="null"/>: every row before the gap (an expanding window).</value>
    public int? MaxTrainSize { get; init; }

    internal override void CollectProblems(List<string> problems)
    {
        CheckNSplits(NSplits, problems);
        if (TestSize < 1)
        {
            problems.Add($"TestSize={TestSize} must be at least 1 when set");
        }

        if (Gap < 0)
        {
            problems.Add($"Gap={Gap} must be 0 or more");
        }

        if (MaxTrainSize < 1)
        {
            problems.Add($"MaxTrainSize={MaxTrainSize} must be at least 1 when set");
        }
    }

    internal override ISplitter CreateValidated() => new TimeSeriesSplitter(this);
}

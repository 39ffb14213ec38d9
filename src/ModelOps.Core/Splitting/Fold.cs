namespace ModelOps.Core.Splitting;

/// <summary>One train/test division of the rows, as produced by an <see cref="ISplitter"/>.</summary>
public sealed class Fold
{
    /// <summary>A fold over the given row indices (the arrays are kept, not copied).</summary>
    /// <param name="index">The position of this fold among its splitter's folds, from 0.</param>
    /// <param name="train">The training row indices.</param>
    /// <param name="test">The test row indices.</param>
    public Fold(int index, int[] train, int[] test)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        Index = index;
        Train = train;
        Test = test;
    }

    /// <summary>The position of this fold among its splitter's folds, from 0.</summary>
    public int Index { get; }

    /// <summary>The training row indices, ascending.</summary>
    public ReadOnlyMemory<int> Train { get; }

    /// <summary>The test row indices, ascending.</summary>
    public ReadOnlyMemory<int> Test { get; }

    /// <inheritdoc/>
    public override string ToString() => $"Fold {Index}: {Train.Length} train rows, {Test.Length} test rows";
}

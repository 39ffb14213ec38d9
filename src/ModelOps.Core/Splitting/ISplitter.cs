namespace ModelOps.Core.Splitting;

/// <summary>
/// Divides <c>n</c> rows into one or more folds, each a pair of row-index sets (train, test).
/// Create one with <see cref="Splitter.Create(SplitterOptions)"/>; a splitter is immutable and
/// safe to use from several threads.
/// </summary>
public interface ISplitter
{
    /// <summary>The stable kind name that configs use to pick this splitter (see <see cref="SplitterKinds"/>).</summary>
    string Kind { get; }

    /// <summary>The number of folds <see cref="Split(int, ReadOnlySpan{double})"/> returns.</summary>
    int SplitCount { get; }

    /// <summary>Whether <see cref="Split(int, ReadOnlySpan{double})"/> needs one class label per row.</summary>
    bool RequiresLabels { get; }

    /// <summary>
    /// Splits <paramref name="rowCount"/> rows into <see cref="SplitCount"/> folds. Within a fold,
    /// train and test indices are disjoint and in ascending order.
    /// </summary>
    /// <param name="rowCount">The number of rows, <c>n</c>; indices are in <c>0..n-1</c>.</param>
    /// <param name="labels">
    /// One class label per row when <see cref="RequiresLabels"/> is true; otherwise optional and
    /// only checked for length when given.
    /// </param>
    /// <returns>The folds, in order.</returns>
    /// <exception cref="ArgumentException">
    /// The rows or labels do not fit the splitter's options; the message names the option, the
    /// value and the allowed range.
    /// </exception>
    IReadOnlyList<Fold> Split(int rowCount, ReadOnlySpan<double> labels = default);
}

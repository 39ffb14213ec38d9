using ModelOps.Core.Data;

namespace ModelOps.Core.Splitting;

/// <summary>The checks that every splitter makes on the rows and labels it is given.</summary>
internal static class SplitGuard
{
    /// <summary>Throws when <paramref name="rowCount"/> is negative.</summary>
    public static void RowCount(int rowCount)
    {
        if (rowCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"rowCount={rowCount} must be 0 or more.");
        }
    }

    /// <summary>
    /// Throws when the labels are not one per row: always for a splitter that
    /// <paramref name="required"/> them, and for others only when labels are given.
    /// </summary>
    public static void LabelCount(string kind, int rowCount, ReadOnlySpan<double> labels, bool required)
    {
        if (labels.Length == rowCount || (!required && labels.IsEmpty))
        {
            return;
        }

        var message = required
            ? $"{kind} needs one class label per row: got {labels.Length} labels for {rowCount} rows."
            : $"{kind} got {labels.Length} labels for {rowCount} rows: labels are optional, but when given there must be one per row.";
        throw new ArgumentException(message, nameof(labels));
    }

    /// <summary>Throws when there are fewer rows than k-fold test folds (each needs a row).</summary>
    public static void FoldCount(string kind, int nSplits, int rowCount)
    {
        if (nSplits > rowCount)
        {
            throw new ArgumentException(
                $"{kind} cannot make NSplits={nSplits} folds from {rowCount} rows: every fold needs at least one test row, so NSplits must be at most the number of rows.",
                nameof(rowCount));
        }
    }

    /// <summary>
    /// Throws at the first label that is not a finite whole number, as scikit-learn's stratified
    /// splitters refuse missing, infinite and continuous targets.
    /// </summary>
    public static void ClassLabels(string kind, ReadOnlySpan<double> labels)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            if (!double.IsFinite(labels[i]))
            {
                throw new ArgumentException(
                    $"labels[{i}] is {ValueFormat.Format(labels[i])}: {kind} needs a finite class label on every row.", nameof(labels));
            }
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (Math.Floor(labels[i]) != labels[i])
            {
                throw new ArgumentException(
                    $"labels[{i}] is {ValueFormat.Format(labels[i])}: {kind} needs class labels (whole numbers, binary or multi-class), not a continuous target.",
                    nameof(labels));
            }
        }
    }
}

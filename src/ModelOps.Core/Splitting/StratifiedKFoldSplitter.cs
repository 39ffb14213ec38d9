namespace ModelOps.Core.Splitting;

/// <summary>
/// K folds that keep each class's share of rows, reproducing scikit-learn 1.2's
/// <c>StratifiedKFold._make_test_folds</c> step by step; see <see cref="StratifiedKFoldOptions"/>.
/// </summary>
internal sealed class StratifiedKFoldSplitter(StratifiedKFoldOptions options) : ISplitter
{
    private readonly int _nSplits = options.NSplits;
    private readonly bool _shuffle = options.Shuffle;
    private readonly int _seed = options.Seed;

    public string Kind => SplitterKinds.StratifiedKFold;

    public int SplitCount => _nSplits;

    public bool RequiresLabels => true;

    public IReadOnlyList<Fold> Split(int rowCount, ReadOnlySpan<double> labels = default)
    {
        SplitGuard.RowCount(rowCount);
        SplitGuard.LabelCount(Kind, rowCount, labels, required: true);
        SplitGuard.FoldCount(Kind, _nSplits, rowCount);
        SplitGuard.ClassLabels(Kind, labels);

        // 1. Encode classes in order of first appearance (0 = the first label seen), as
        //    scikit-learn does with np.unique(return_index) and a second np.unique.
        var classOf = new Dictionary<double, int>();
        var counts = new List<int>();
        var codes = new int[rowCount];
        for (var row = 0; row < rowCount; row++)
        {
            // + 0.0 turns -0.0 into 0.0: one class, as for np.unique.
            var label = labels[row] + 0.0;
            if (!classOf.TryGetValue(label, out var code))
            {
                code = counts.Count;
                classOf.Add(label, code);
                counts.Add(0);
            }

            codes[row] = code;
            counts[code]++;
        }

        var classCount = counts.Count;
        var largest = 0;
        foreach (var count in counts)
        {
            largest = Math.Max(largest, count);
        }

        // scikit-learn only warns when some class is smaller than n_splits; it fails when all are.
        if (largest < _nSplits)
        {
            throw new ArgumentException(
                $"{Kind} cannot make NSplits={_nSplits} folds: every class has fewer than {_nSplits} rows (the largest has {largest}); lower NSplits to {largest} or less.",
                nameof(labels));
        }

        // 2. Allocation: deal the class codes sorted ascending round robin to the folds;
        //    allocation[fold * classCount + c] = rows of class c in test fold `fold`
        //    (np.bincount(y_order[i::n_splits]) for each fold i).
        var allocation = new int[_nSplits * classCount];
        var position = 0;
        for (var c = 0; c < classCount; c++)
        {
            for (var j = 0; j < counts[c]; j++, position++)
            {
                allocation[((position % _nSplits) * classCount) + c]++;
            }
        }

        // 3. Each class's rows, in row order, get the fold numbers 0, 0, .., 1, 1, .. in blocks of
        //    the allocation (np.arange(n_splits).repeat(allocation[:, c])), shuffled per class,
        //    class by class, when asked. The blocks of all classes sit in one array, class after class.
        var start = new int[classCount];
        var slots = new int[rowCount];
        var random = _shuffle ? Xoshiro256StarStar.FromSeed(_seed) : null;
        position = 0;
        for (var c = 0; c < classCount; c++)
        {
            start[c] = position;
            for (var fold = 0; fold < _nSplits; fold++)
            {
                for (var j = allocation[(fold * classCount) + c]; j > 0; j--)
                {
                    slots[position++] = fold;
                }
            }

            random?.Shuffle(slots.AsSpan(start[c], counts[c]));
        }

        var testFoldOf = new int[rowCount];
        for (var row = 0; row < rowCount; row++)
        {
            testFoldOf[row] = slots[start[codes[row]]++];
        }

        return FoldBuilder.FromTestFolds(testFoldOf, _nSplits);
    }

    public override string ToString() => $"{Kind}(NSplits={_nSplits}, Shuffle={_shuffle}, Seed={_seed})";
}

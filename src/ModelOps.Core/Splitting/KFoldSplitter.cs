namespace ModelOps.Core.Splitting;

/// <summary>K consecutive folds, as scikit-learn's <c>KFold</c>; see <see cref="KFoldOptions"/>.</summary>
internal sealed class KFoldSplitter(KFoldOptions options) : ISplitter
{
    private readonly int _nSplits = options.NSplits;
    private readonly bool _shuffle = options.Shuffle;
    private readonly int _seed = options.Seed;

    public string Kind => SplitterKinds.KFold;

    public int SplitCount => _nSplits;

    public bool RequiresLabels => false;

    public IReadOnlyList<Fold> Split(int rowCount, ReadOnlySpan<double> labels = default)
    {
        SplitGuard.RowCount(rowCount);
        SplitGuard.LabelCount(Kind, rowCount, labels, required: false);
        SplitGuard.FoldCount(Kind, _nSplits, rowCount);

        var order = FoldBuilder.Range(0, rowCount);
        if (_shuffle)
        {
            Xoshiro256StarStar.FromSeed(_seed).Shuffle(order);
        }

        // The first n % k folds take one row more than the others.
        var testFoldOf = new int[rowCount];
        int baseSize = rowCount / _nSplits, larger = rowCount % _nSplits, position = 0;
        for (var fold = 0; fold < _nSplits; fold++)
        {
            var stop = position + baseSize + (fold < larger ? 1 : 0);
            for (; position < stop; position++)
            {
                testFoldOf[order[position]] = fold;
            }
        }

        return FoldBuilder.FromTestFolds(testFoldOf, _nSplits);
    }

    public override string ToString() => $"{Kind}(NSplits={_nSplits}, Shuffle={_shuffle}, Seed={_seed})";
}

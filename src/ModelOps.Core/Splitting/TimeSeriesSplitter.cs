using System.Globalization;

namespace ModelOps.Core.Splitting;

/// <summary>Growing (or sliding) training windows before consecutive test windows, as scikit-learn's <c>TimeSeriesSplit</c>; see <see cref="TimeSeriesSplitOptions"/>.</summary>
internal sealed class TimeSeriesSplitter(TimeSeriesSplitOptions options) : ISplitter
{
    private readonly int _nSplits = options.NSplits;
    private readonly int? _testSize = options.TestSize;
    private readonly int _gap = options.Gap;
    private readonly int? _maxTrainSize = options.MaxTrainSize;

    public string Kind => SplitterKinds.TimeSeriesSplit;

    public int SplitCount => _nSplits;

    public bool RequiresLabels => false;

    public IReadOnlyList<Fold> Split(int rowCount, ReadOnlySpan<double> labels = default)
    {
        SplitGuard.RowCount(rowCount);
        SplitGuard.LabelCount(Kind, rowCount, labels, required: false);

        var windows = _nSplits + 1;
        if (windows > rowCount)
        {
            throw new ArgumentException(
                $"{Kind} with NSplits={_nSplits} needs at least {windows} rows (NSplits + 1), got {rowCount}.", nameof(rowCount));
        }

        var testSize = _testSize ?? rowCount / windows;
        var needed = ((long)_nSplits * testSize) + _gap;
        if (rowCount - needed <= 0)
        {
            var testSizeText = _testSize is null ? $"TestSize={testSize} (the default, rows / (NSplits + 1))" : $"TestSize={testSize}";
            throw new ArgumentException(
                $"{Kind} with NSplits={_nSplits}, {testSizeText} and Gap={_gap} needs more than {needed} rows (NSplits * TestSize + Gap) so that the first training window is not empty, got {rowCount}.",
                nameof(rowCount));
        }

        var folds = new Fold[_nSplits];
        var testStart = rowCount - (_nSplits * testSize);
        for (var i = 0; i < _nSplits; i++, testStart += testSize)
        {
            var trainEnd = testStart - _gap;
            var trainStart = _maxTrainSize < trainEnd ? trainEnd - _maxTrainSize.Value : 0;
            folds[i] = new Fold(i, FoldBuilder.Range(trainStart, trainEnd), FoldBuilder.Range(testStart, testStart + testSize));
        }

        return folds;
    }

    public override string ToString() =>
        $"{Kind}(NSplits={_nSplits}, TestSize={_testSize?.ToString(CultureInfo.InvariantCulture) ?? "default"}, Gap={_gap}, MaxTrainSize={_maxTrainSize?.ToString(CultureInfo.InvariantCulture) ?? "none"})";
}

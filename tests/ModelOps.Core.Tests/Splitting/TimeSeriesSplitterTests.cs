using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Splitting;

public sealed class TimeSeriesSplitterTests
{
    [Fact]
    public void Split_GapAndMaxTrainSize_SlidesWindowBeforeGap()
    {
        var splitter = Splitter.Create(new TimeSeriesSplitOptions { NSplits = 3, TestSize = 2, Gap = 1, MaxTrainSize = 3 });

        var folds = splitter.Split(12);

        Assert.Equal([[6, 7], [8, 9], [10, 11]], FoldAssert.Tests(folds));
        Assert.Equal([[2, 3, 4], [4, 5, 6], [6, 7, 8]], folds.Select(f => f.Train.ToArray()));
    }

    [Fact]
    public void Split_Defaults_FiveGrowingWindowsOfRowsOverSix()
    {
        var folds = Splitter.Create(new TimeSeriesSplitOptions()).Split(13);

        Assert.Equal(5, folds.Count);
        Assert.Equal([3, 5, 7, 9, 11], folds.Select(f => f.Train.Length));
        Assert.Equal([3, 5, 7, 9, 11], folds.Select(f => f.Test.Span[0]));
    }

    [Fact]
    public void Split_FewerRowsThanWindows_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(new TimeSeriesSplitOptions()).Split(5));

        Assert.Equal("TimeSeriesSplit with NSplits=5 needs at least 6 rows (NSplits + 1), got 5. (Parameter 'rowCount')", error.Message);
    }

    [Fact]
    public void Split_TestWindowsAndGapFillRows_Throws()
    {
        var splitter = Splitter.Create(new TimeSeriesSplitOptions { NSplits = 3, TestSize = 3, Gap = 1 });

        var error = Assert.Throws<ArgumentException>(() => splitter.Split(10));

        Assert.Equal(
            "TimeSeriesSplit with NSplits=3, TestSize=3 and Gap=1 needs more than 10 rows (NSplits * TestSize + Gap) so that the first training window is not empty, got 10. (Parameter 'rowCount')",
            error.Message);
    }

    [Fact]
    public void Split_DefaultTestSizeAndLargeGap_SaysTestSizeIsTheDefault()
    {
        var splitter = Splitter.Create(new TimeSeriesSplitOptions { NSplits = 3, Gap = 15 });

        var error = Assert.Throws<ArgumentException>(() => splitter.Split(20));

        Assert.Equal(
            "TimeSeriesSplit with NSplits=3, TestSize=5 (the default, rows / (NSplits + 1)) and Gap=15 needs more than 30 rows (NSplits * TestSize + Gap) so that the first training window is not empty, got 20. (Parameter 'rowCount')",
            error.Message);
    }

    [Fact]
    public void Split_LabelsOfWrongLength_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(new TimeSeriesSplitOptions()).Split(12, [1.0]));

        Assert.Equal(
            "TimeSeriesSplit got 1 labels for 12 rows: labels are optional, but when given there must be one per row. (Parameter 'labels')",
            error.Message);
    }
}

using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Splitting;

public sealed class TrainTestSplitterTests
{
    private static ISplitter Create(SplitSize? testSize = null, SplitSize? trainSize = null, bool shuffle = false, int seed = 0) =>
        Splitter.Create(new TrainTestSplitOptions { TestSize = testSize, TrainSize = trainSize, Shuffle = shuffle, Seed = seed });

    [Fact]
    public void Split_Defaults_LastQuarterRoundedUpIsTest()
    {
        var folds = Create().Split(10);

        var fold = Assert.Single(folds);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], fold.Train.ToArray());
        Assert.Equal([7, 8, 9], fold.Test.ToArray());
        Assert.Equal(1, Create().SplitCount);
    }

    [Fact]
    public void Split_FractionJustAboveWholeRows_RoundsUpLikeSklearn()
    {
        // 0.07 * 100 is 7.000000000000001 in double arithmetic: scikit-learn takes 8 test rows.
        var fold = Create(0.07).Split(100)[0];

        Assert.Equal(8, fold.Test.Length);
        Assert.Equal(92, fold.Test.Span[0]);
    }

    [Fact]
    public void Split_BothSizes_TestFollowsTrainAndLaterRowsAreLeftOut()
    {
        var fold = Create(testSize: 2, trainSize: 3).Split(10)[0];

        Assert.Equal([0, 1, 2], fold.Train.ToArray());
        Assert.Equal([3, 4], fold.Test.ToArray());
    }

    [Fact]
    public void Split_TestCountNotBelowRows_NamesAllowedRange()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(10).Split(10));

        Assert.Equal(
            "TrainTestSplit TestSize=10 must be less than the number of rows, 10: give a count from 1 to 9 or a fraction in (0, 1). (Parameter 'rowCount')",
            error.Message);
    }

    [Fact]
    public void Split_TrainCountNotBelowRows_NamesAllowedRange()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(trainSize: 12).Split(10));

        Assert.Equal(
            "TrainTestSplit TrainSize=12 must be less than the number of rows, 10: give a count from 1 to 9 or a fraction in (0, 1). (Parameter 'rowCount')",
            error.Message);
    }

    [Fact]
    public void Split_TestFractionTakesEveryRow_SaysTrainingPartIsEmpty()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(0.95).Split(10));

        Assert.Equal(
            "TrainTestSplit of 10 rows with TestSize=0.95 leaves the training part empty; lower TestSize. (Parameter 'rowCount')",
            error.Message);
    }

    [Fact]
    public void Split_TrainFractionRoundsToZero_SaysRaiseTrainSize()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(trainSize: 0.05).Split(10));

        Assert.Equal(
            "TrainTestSplit of 10 rows with TrainSize=0.05 leaves the training part empty; raise TrainSize. (Parameter 'rowCount')",
            error.Message);
    }

    [Fact]
    public void Split_SizesAboveRowCount_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(testSize: 5, trainSize: 6).Split(10));

        Assert.Equal(
            "TrainTestSplit with TrainSize=6 and TestSize=5 takes 6 + 5 = 11 rows, but there are only 10; lower TrainSize or TestSize. (Parameter 'rowCount')",
            error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Split_FewerThanTwoRows_Throws(int rowCount)
    {
        var error = Assert.Throws<ArgumentException>(() => Create().Split(rowCount));

        Assert.Equal($"TrainTestSplit needs at least 2 rows (one to train, one to test), got {rowCount}. (Parameter 'rowCount')", error.Message);
    }

    [Fact]
    public void Split_ShuffledSameSeed_SameRows()
    {
        Assert.Equal(FoldAssert.Tests(Create(0.3, shuffle: true, seed: 5).Split(50)), FoldAssert.Tests(Create(0.3, shuffle: true, seed: 5).Split(50)));
    }

    [Fact]
    public void Split_ShuffledOtherSeed_OtherRows()
    {
        Assert.NotEqual(FoldAssert.Tests(Create(0.3, shuffle: true, seed: 5).Split(50)), FoldAssert.Tests(Create(0.3, shuffle: true, seed: 6).Split(50)));
    }

    [Fact]
    public void Split_Shuffled_SameSizesAsUnshuffledAndPartitionsRows()
    {
        var fold = Create(0.3, shuffle: true, seed: 5).Split(50)[0];

        Assert.Equal((35, 15), (fold.Train.Length, fold.Test.Length));
        FoldAssert.TrainIsComplementOfTest([fold], 50);
        Assert.NotEqual(Enumerable.Range(35, 15), fold.Test.ToArray());
    }

    [Fact]
    public void Split_ShuffledBothSizes_LeavesTheRestOut()
    {
        var fold = Create(testSize: 3, trainSize: 4, shuffle: true, seed: 2).Split(10)[0];

        Assert.Equal((4, 3), (fold.Train.Length, fold.Test.Length));
        Assert.Empty(fold.Train.ToArray().Intersect(fold.Test.ToArray()));
    }

    // Pinned output, also computed by an independent Python implementation of the generator and
    // shuffle: it must never change.
    [Fact]
    public void Split_ShuffledSeed42_IsPinned()
    {
        var fold = Create(3, shuffle: true, seed: 42).Split(10)[0];

        Assert.Equal([0, 2, 3, 5, 6, 7, 8], fold.Train.ToArray());
        Assert.Equal([1, 4, 9], fold.Test.ToArray());
    }
}

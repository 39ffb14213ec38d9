using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Splitting;

public sealed class StratifiedKFoldSplitterTests
{
    private static readonly double[] ThreeClasses = [0, 1, 1, 0, 0, 2, 1, 0, 0, 0, 2, 1];

    private static ISplitter Create(int nSplits = 5, bool shuffle = false, int seed = 0) =>
        Splitter.Create(new StratifiedKFoldOptions { NSplits = nSplits, Shuffle = shuffle, Seed = seed });

    [Fact]
    public void RequiresLabels_IsTrue()
    {
        Assert.True(Create().RequiresLabels);
        Assert.False(Splitter.Create(new KFoldOptions()).RequiresLabels);
    }

    [Fact]
    public void Split_ClassesInBlocks_DealsEachClassInRowOrder()
    {
        // Sorted codes 0x6, 1x4, 2x2 dealt round robin to 3 folds: class 0 -> 2,2,2 rows per
        // fold, class 1 -> 2,1,1, class 2 -> 0,1,1; each class's rows take folds 0, 0, 1, .. in
        // row order (scikit-learn gives the same).
        var folds = Create(3).Split(ThreeClasses.Length, ThreeClasses);

        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], FoldAssert.Tests(folds));
        FoldAssert.TrainIsComplementOfTest(folds, ThreeClasses.Length);
    }

    [Fact]
    public void Split_NoLabels_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(2).Split(4));

        Assert.Equal("StratifiedKFold needs one class label per row: got 0 labels for 4 rows. (Parameter 'labels')", error.Message);
    }

    [Fact]
    public void Split_LabelsOfWrongLength_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(2).Split(5, [0, 1, 0, 1]));

        Assert.Equal("StratifiedKFold needs one class label per row: got 4 labels for 5 rows. (Parameter 'labels')", error.Message);
    }

    [Fact]
    public void Split_MoreSplitsThanRows_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(6).Split(5, [0, 1, 0, 1, 0]));

        Assert.Equal(
            "StratifiedKFold cannot make NSplits=6 folds from 5 rows: every fold needs at least one test row, so NSplits must be at most the number of rows. (Parameter 'rowCount')",
            error.Message);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Split_NonFiniteLabel_NamesRowAndValue(double label, string text)
    {
        var error = Assert.Throws<ArgumentException>(() => Create(2).Split(4, [0, 1, label, 1]));

        Assert.Equal($"labels[2] is {text}: StratifiedKFold needs a finite class label on every row. (Parameter 'labels')", error.Message);
    }

    [Fact]
    public void Split_NaNAfterContinuousLabel_ReportsNaNFirst()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(2).Split(4, [0.5, 1, 0, double.NaN]));

        Assert.StartsWith("labels[3] is NaN:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_ContinuousLabels_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(2).Split(4, [0, 1, 1.5, 1]));

        Assert.Equal(
            "labels[2] is 1.5: StratifiedKFold needs class labels (whole numbers, binary or multi-class), not a continuous target. (Parameter 'labels')",
            error.Message);
    }

    [Fact]
    public void Split_EveryClassSmallerThanNSplits_SaysHowLowToGo()
    {
        var error = Assert.Throws<ArgumentException>(() => Create(4).Split(7, [3, 7, 9, 3, 7, 9, 3]));

        Assert.Equal(
            "StratifiedKFold cannot make NSplits=4 folds: every class has fewer than 4 rows (the largest has 3); lower NSplits to 3 or less. (Parameter 'labels')",
            error.Message);
    }

    [Fact]
    public void Split_OneClassSmallerThanNSplits_IsAllowedAndMissingFromSomeFolds()
    {
        var folds = Create(3).Split(ThreeClasses.Length, ThreeClasses);

        Assert.DoesNotContain(folds[0].Test.ToArray(), row => ThreeClasses[row] == 2);
        Assert.Contains(folds[1].Test.ToArray(), row => ThreeClasses[row] == 2);
    }

    [Fact]
    public void Split_NegativeZeroAndZero_AreOneClass()
    {
        double[] labels = [0.0, 1, -0.0, 1];

        Assert.Equal(FoldAssert.Tests(Create(2).Split(4, [0, 1, 0, 1])), FoldAssert.Tests(Create(2).Split(4, labels)));
    }

    [Fact]
    public void Split_ShuffledSameSeed_SameFolds()
    {
        var labels = ImbalancedLabels(200);

        Assert.Equal(FoldAssert.Tests(Create(5, true, 9).Split(200, labels)), FoldAssert.Tests(Create(5, true, 9).Split(200, labels)));
    }

    [Fact]
    public void Split_ShuffledOtherSeed_OtherFolds()
    {
        var labels = ImbalancedLabels(200);

        Assert.NotEqual(FoldAssert.Tests(Create(5, true, 9).Split(200, labels)), FoldAssert.Tests(Create(5, true, 10).Split(200, labels)));
    }

    [Fact]
    public void Split_Shuffled_PartitionsRowsAndKeepsClassCountsPerFold()
    {
        var labels = ImbalancedLabels(203);
        var shuffled = Create(5, true, 1).Split(203, labels);
        var blocks = Create(5).Split(203, labels);

        FoldAssert.TestsPartitionRows(shuffled, 203);
        FoldAssert.TrainIsComplementOfTest(shuffled, 203);
        Assert.NotEqual(FoldAssert.Tests(blocks), FoldAssert.Tests(shuffled));
        for (var fold = 0; fold < 5; fold++)
        {
            // Same rows of each class per fold as the unshuffled allocation, and a class's share
            // of a fold's test rows within one row of its share of all rows.
            var counts = ClassCounts(shuffled[fold].Test.Span, labels);
            Assert.Equal(ClassCounts(blocks[fold].Test.Span, labels), counts);
            for (var c = 0; c < 3; c++)
            {
                var expected = (double)ClassCounts(Enumerable.Range(0, 203).ToArray(), labels)[c] / 5;
                Assert.InRange(counts[c], expected - 1, expected + 1);
            }
        }
    }

    // Pinned output, also computed by an independent Python implementation (scikit-learn's
    // allocation, our generator and shuffle): it must never change.
    [Fact]
    public void Split_ShuffledSeed7_IsPinned()
    {
        var folds = Create(3, true, 7).Split(ThreeClasses.Length, ThreeClasses);

        Assert.Equal([[0, 1, 6, 8], [2, 4, 7, 10], [3, 5, 9, 11]], FoldAssert.Tests(folds));
    }

    /// <summary>Classes 5 (70%), 1 (20%) and 8 (10%) in a scattered, deterministic order.</summary>
    private static double[] ImbalancedLabels(int rowCount)
    {
        var labels = new double[rowCount];
        for (var i = 0; i < rowCount; i++)
        {
            var r = i * 37 % 10;
            labels[i] = r < 7 ? 5 : r < 9 ? 1 : 8;
        }

        return labels;
    }

    private static int[] ClassCounts(ReadOnlySpan<int> rows, double[] labels)
    {
        var counts = new int[3];
        foreach (var row in rows)
        {
            counts[labels[row] switch { 5 => 0, 1 => 1, _ => 2 }]++;
        }

        return counts;
    }
}

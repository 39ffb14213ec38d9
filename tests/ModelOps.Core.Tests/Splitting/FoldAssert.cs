using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Splitting;

/// <summary>Checks shared by the splitter tests.</summary>
internal static class FoldAssert
{
    /// <summary>Every fold's train and test are ascending and disjoint, and together cover the rows.</summary>
    public static void TrainIsComplementOfTest(IReadOnlyList<Fold> folds, int rowCount)
    {
        foreach (var fold in folds)
        {
            AssertAscending(fold.Train.Span);
            AssertAscending(fold.Test.Span);
            var seen = new bool[rowCount];
            foreach (var row in fold.Train.Span)
            {
                seen[row] = true;
            }

            foreach (var row in fold.Test.Span)
            {
                Assert.False(seen[row], $"{fold}: row {row} is in train and test.");
                seen[row] = true;
            }

            Assert.All(seen, Assert.True);
        }
    }

    /// <summary>Each row is in exactly one fold's test part.</summary>
    public static void TestsPartitionRows(IReadOnlyList<Fold> folds, int rowCount)
    {
        var times = new int[rowCount];
        foreach (var fold in folds)
        {
            foreach (var row in fold.Test.Span)
            {
                times[row]++;
            }
        }

        Assert.All(times, count => Assert.Equal(1, count));
    }

    /// <summary>The test parts of all folds, for comparing two splits.</summary>
    public static int[][] Tests(IReadOnlyList<Fold> folds) => [.. folds.Select(f => f.Test.ToArray())];

    private static void AssertAscending(ReadOnlySpan<int> rows)
    {
        for (var i = 1; i < rows.Length; i++)
        {
            Assert.True(rows[i - 1] < rows[i], $"rows not ascending at {i}: {rows[i - 1]}, {rows[i]}");
        }
    }
}

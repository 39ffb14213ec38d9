namespace ModelOps.Core.Splitting;

/// <summary>Builds folds with ascending index arrays.</summary>
internal static class FoldBuilder
{
    /// <summary>The rows <c>start..stop-1</c>.</summary>
    public static int[] Range(int start, int stop)
    {
        var rows = new int[stop - start];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = start + i;
        }

        return rows;
    }

    /// <summary>
    /// One fold per test-fold number: fold <c>f</c> tests the rows whose <paramref name="testFoldOf"/>
    /// is <c>f</c> and trains on all the others (scikit-learn's test masks).
    /// </summary>
    public static Fold[] FromTestFolds(ReadOnlySpan<int> testFoldOf, int foldCount)
    {
        Span<int> testCounts = foldCount <= 256 ? stackalloc int[foldCount] : new int[foldCount];
        testCounts.Clear();
        foreach (var fold in testFoldOf)
        {
            testCounts[fold]++;
        }

        var folds = new Fold[foldCount];
        for (var fold = 0; fold < foldCount; fold++)
        {
            var test = new int[testCounts[fold]];
            var train = new int[testFoldOf.Length - test.Length];
            int nextTest = 0, nextTrain = 0;
            for (var row = 0; row < testFoldOf.Length; row++)
            {
                if (testFoldOf[row] == fold)
                {
                    test[nextTest++] = row;
                }
                else
                {
                    train[nextTrain++] = row;
                }
            }

            folds[fold] = new Fold(fold, train, test);
        }

        return folds;
    }
}

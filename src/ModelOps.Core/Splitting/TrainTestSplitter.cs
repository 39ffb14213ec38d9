namespace ModelOps.Core.Splitting;

/// <summary>One train/test division, as scikit-learn's <c>train_test_split</c>; see <see cref="TrainTestSplitOptions"/>.</summary>
internal sealed class TrainTestSplitter(TrainTestSplitOptions options) : ISplitter
{
    private readonly SplitSize? _testSize = options.TestSize ?? (options.TrainSize is null ? SplitterDefaults.TestFraction : null);
    private readonly SplitSize? _trainSize = options.TrainSize;
    private readonly bool _shuffle = options.Shuffle;
    private readonly int _seed = options.Seed;

    public string Kind => SplitterKinds.TrainTestSplit;

    public int SplitCount => 1;

    public bool RequiresLabels => false;

    public IReadOnlyList<Fold> Split(int rowCount, ReadOnlySpan<double> labels = default)
    {
        SplitGuard.RowCount(rowCount);
        SplitGuard.LabelCount(Kind, rowCount, labels, required: false);
        var (trainCount, testCount) = Sizes(rowCount);

        if (!_shuffle)
        {
            // Train is the first rows and test the rows right after them (the last rows unless
            // both sizes leave some out), as train_test_split(shuffle=False).
            return [new Fold(0, FoldBuilder.Range(0, trainCount), FoldBuilder.Range(trainCount, trainCount + testCount))];
        }

        // As ShuffleSplit: test = permutation[:n_test], train = the next n_train; then ascending.
        var order = FoldBuilder.Range(0, rowCount);
        Xoshiro256StarStar.FromSeed(_seed).Shuffle(order);
        var part = new byte[rowCount];
        for (var i = 0; i < testCount; i++)
        {
            part[order[i]] = 2;
        }

        for (var i = testCount; i < testCount + trainCount; i++)
        {
            part[order[i]] = 1;
        }

        var train = new int[trainCount];
        var test = new int[testCount];
        int nextTrain = 0, nextTest = 0;
        for (var row = 0; row < rowCount; row++)
        {
            if (part[row] == 1)
            {
                train[nextTrain++] = row;
            }
            else if (part[row] == 2)
            {
                test[nextTest++] = row;
            }
        }

        return [new Fold(0, train, test)];
    }

    /// <summary>The part sizes for <paramref name="rowCount"/> rows, checked as scikit-learn's <c>_validate_shuffle_split</c> does.</summary>
    private (int Train, int Test) Sizes(int rowCount)
    {
        if (rowCount < 2)
        {
            throw new ArgumentException($"{Kind} needs at least 2 rows (one to train, one to test), got {rowCount}.", nameof(rowCount));
        }

        CheckCountBelowRows("TestSize", _testSize, rowCount);
        CheckCountBelowRows("TrainSize", _trainSize, rowCount);

        var testCount = _testSize?.Resolve(rowCount, roundUp: true) ?? 0;
        var trainCount = _trainSize?.Resolve(rowCount, roundUp: false) ?? 0;
        if (_trainSize is null)
        {
            trainCount = rowCount - testCount;
        }
        else if (_testSize is null)
        {
            testCount = rowCount - trainCount;
        }

        if ((long)trainCount + testCount > rowCount)
        {
            throw new ArgumentException(
                $"{Kind} with {Describe()} takes {trainCount} + {testCount} = {trainCount + testCount} rows, but there are only {rowCount}; lower TrainSize or TestSize.",
                nameof(rowCount));
        }

        if (trainCount == 0)
        {
            throw new ArgumentException(
                $"{Kind} of {rowCount} rows with {Describe()} leaves the training part empty; {(_trainSize is null ? "lower TestSize" : "raise TrainSize")}.",
                nameof(rowCount));
        }

        return (trainCount, testCount);
    }

    private void CheckCountBelowRows(string name, SplitSize? size, int rowCount)
    {
        if (size is { IsFraction: false } count && count.Count >= rowCount)
        {
            throw new ArgumentException(
                $"{Kind} {name}={count} must be less than the number of rows, {rowCount}: give a count from 1 to {rowCount - 1} or a fraction in (0, 1).",
                nameof(rowCount));
        }
    }

    private string Describe() => (_trainSize, _testSize) switch
    {
        (null, var test) => $"TestSize={test}",
        (var train, null) => $"TrainSize={train}",
        var (train, test) => $"TrainSize={train} and TestSize={test}",
    };

    public override string ToString() => $"{Kind}(TrainSize={_trainSize?.ToString() ?? "rest"}, TestSize={_testSize?.ToString() ?? "rest"}, Shuffle={_shuffle}, Seed={_seed})";
}

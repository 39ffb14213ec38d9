using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Splitting;

public sealed class SplitterOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var kFold = new KFoldOptions();
        var stratified = new StratifiedKFoldOptions();
        var timeSeries = new TimeSeriesSplitOptions();
        var trainTest = new TrainTestSplitOptions();

        Assert.Equal((5, false, 0), (kFold.NSplits, kFold.Shuffle, kFold.Seed));
        Assert.Equal((5, false, 0), (stratified.NSplits, stratified.Shuffle, stratified.Seed));
        Assert.Equal((5, null, 0, null), (timeSeries.NSplits, timeSeries.TestSize, timeSeries.Gap, timeSeries.MaxTrainSize));
        Assert.Equal((null, null, false, 0), (trainTest.TestSize, trainTest.TrainSize, trainTest.Shuffle, trainTest.Seed));
    }

    [Fact]
    public void Kind_EachOptions_MatchesSplitterAndKindList()
    {
        SplitterOptions[] options = [new TrainTestSplitOptions(), new TimeSeriesSplitOptions(), new KFoldOptions(), new StratifiedKFoldOptions()];

        Assert.Equal(["TrainTestSplit", "TimeSeriesSplit", "KFold", "StratifiedKFold"], SplitterKinds.All);
        for (var i = 0; i < options.Length; i++)
        {
            Assert.Equal(SplitterKinds.All[i], options[i].Kind);
            Assert.Equal(options[i].Kind, Splitter.Create(options[i]).Kind);
        }
    }

    [Fact]
    public void Create_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Splitter.Create(null!));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-3)]
    public void Create_KFoldNSplitsBelowTwo_NamesOptionAndMinimum(int nSplits)
    {
        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(new KFoldOptions { NSplits = nSplits }));

        Assert.Equal($"Invalid KFold options: NSplits={nSplits} must be at least 2. (Parameter 'options')", error.Message);
        Assert.Equal("options", error.ParamName);
    }

    [Fact]
    public void Create_StratifiedNSplitsOne_NamesOptionAndMinimum()
    {
        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(new StratifiedKFoldOptions { NSplits = 1 }));

        Assert.Equal("Invalid StratifiedKFold options: NSplits=1 must be at least 2. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void Create_TimeSeriesEveryOptionWrong_ListsEveryProblemInOneMessage()
    {
        var options = new TimeSeriesSplitOptions { NSplits = 1, TestSize = 0, Gap = -1, MaxTrainSize = 0 };

        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(options));

        Assert.Equal(
            "Invalid TimeSeriesSplit options: NSplits=1 must be at least 2; TestSize=0 must be at least 1 when set; "
            + "Gap=-1 must be 0 or more; MaxTrainSize=0 must be at least 1 when set. (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void Validate_ValidOptions_ReturnsNoProblems()
    {
        Assert.Empty(Splitter.Validate(new TimeSeriesSplitOptions { NSplits = 3, TestSize = 2, Gap = 1, MaxTrainSize = 10 }));
        Assert.Empty(Splitter.Validate(new TrainTestSplitOptions { TestSize = 0.2, TrainSize = 0.8 }));
    }

    [Fact]
    public void Validate_InvalidOptions_ReturnsOnePhrasePerProblem()
    {
        var problems = Splitter.Validate(new TimeSeriesSplitOptions { NSplits = 0, Gap = -2 });

        Assert.Equal(["NSplits=0 must be at least 2", "Gap=-2 must be 0 or more"], problems);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(1.5, "1.5")]
    [InlineData(-0.25, "-0.25")]
    [InlineData(double.NaN, "NaN")]
    public void Create_TrainTestFractionOutsideOpenUnitRange_NamesRange(double fraction, string text)
    {
        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(new TrainTestSplitOptions { TestSize = fraction }));

        Assert.Equal(
            $"Invalid TrainTestSplit options: TestSize={text} must be a row count of at least 1 or a fraction in (0, 1). (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void Create_TrainTestBadCountsAndFractions_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(new TrainTestSplitOptions { TestSize = 0, TrainSize = -4 }));

        Assert.Equal(
            "Invalid TrainTestSplit options: TestSize=0 must be a row count of at least 1 or a fraction in (0, 1); "
            + "TrainSize=-4 must be a row count of at least 1 or a fraction in (0, 1). (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void Create_TrainTestFractionsAboveOne_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Splitter.Create(new TrainTestSplitOptions { TestSize = 0.3, TrainSize = 0.8 }));

        Assert.Equal(
            "Invalid TrainTestSplit options: TrainSize=0.8 plus TestSize=0.3 is more than 1 (all the rows). (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void SplitSize_IntAndDouble_ConvertToCountAndFraction()
    {
        SplitSize count = 3;
        SplitSize fraction = 0.25;

        Assert.Equal((false, 3, "3"), (count.IsFraction, count.Count, count.ToString()));
        Assert.Equal((true, 0.25, "0.25"), (fraction.IsFraction, fraction.Fraction, fraction.ToString()));
        Assert.Equal(SplitSize.FromCount(3), count);
        Assert.NotEqual(SplitSize.FromFraction(3), count);
    }

    [Fact]
    public void Options_WithExpression_CopiesAndChangesOneValue()
    {
        var options = new KFoldOptions { NSplits = 3, Shuffle = true, Seed = 7 };

        var changed = options with { Seed = 8 };

        Assert.Equal(new KFoldOptions { NSplits = 3, Shuffle = true, Seed = 8 }, changed);
        Assert.NotEqual(options, changed);
    }
}

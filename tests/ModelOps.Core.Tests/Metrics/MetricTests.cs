using ModelOps.Core.Metrics;

namespace ModelOps.Core.Tests.Metrics;

/// <summary>Input checks, their messages, and edge cases worth stating on their own.</summary>
public sealed class MetricTests
{
    private static double Score(string name, double[] actual, double[] predicted) => MetricCatalog.Get(name).Score(actual, predicted);

    private static ArgumentException Fails(string name, double[] actual, double[] predicted) =>
        Assert.Throws<ArgumentException>(() => MetricCatalog.Get(name).Score(actual, predicted));

    private static ArgumentException FailsWeighted(string name, double[] actual, double[] predicted, double[] weights) =>
        Assert.Throws<ArgumentException>(() => MetricCatalog.Get(name).Score(actual, predicted, weights));

    [Fact]
    public void Score_LengthsDiffer_NamesBothLengths()
    {
        var error = Fails("rmse", [1.0, 2.0, 3.0], [1.0, 2.0]);

        Assert.Equal(
            "Metric 'rmse': actual has 3 values but predicted has 2; they must have the same length. (Parameter 'predicted')",
            error.Message);
    }

    [Fact]
    public void Score_Empty_NamesBothLengths()
    {
        var error = Fails("roc_auc", [], []);

        Assert.Equal(
            "Metric 'roc_auc': actual and predicted are empty (0 and 0 values); at least one value is needed. (Parameter 'actual')",
            error.Message);
    }

    [Fact]
    public void Score_NaNPrediction_NamesIndex()
    {
        var error = Fails("mae", [1.0, 2.0, 3.0], [1.0, double.NaN, 3.0]);

        Assert.Equal("Metric 'mae': predicted[1] is NaN; values must be finite. (Parameter 'predicted')", error.Message);
    }

    [Fact]
    public void Score_InfiniteScore_IsRejectedEvenForRanking()
    {
        var error = Fails("roc_auc", [0.0, 1.0], [double.NegativeInfinity, 2.0]);

        Assert.Equal("Metric 'roc_auc': predicted[0] is -Infinity; values must be finite. (Parameter 'predicted')", error.Message);
    }

    [Fact]
    public void Score_InfiniteActual_NamesIndex()
    {
        var error = Fails("mse", [1.0, double.PositiveInfinity], [1.0, 2.0]);

        Assert.Equal("Metric 'mse': actual[1] is Infinity; values must be finite. (Parameter 'actual')", error.Message);
    }

    [Fact]
    public void Score_ClassificationLabelNotBinary_SaysLabelsMustBe0Or1()
    {
        var error = Fails("accuracy", [0.0, 1.0, 2.0], [0.1, 0.9, 0.9]);

        Assert.Equal("Metric 'accuracy': actual[2] is 2; classification labels must be 0 or 1. (Parameter 'actual')", error.Message);
    }

    [Theory]
    [InlineData("log_loss", 1.5)]
    [InlineData("brier", -0.25)]
    [InlineData("f1", 1.5)]
    public void Score_ProbabilityOutOfRange_SaysRange(string name, double p)
    {
        var error = Fails(name, [0.0, 1.0], [0.2, p]);

        Assert.Equal(
            $"Metric '{name}': predicted[1] is {p}; it must be the probability of class 1, in [0, 1]. (Parameter 'predicted')",
            error.Message);
    }

    [Fact]
    public void Score_RankingMetricsTakeAnyFiniteScore()
    {
        Assert.Equal(1.0, Score("roc_auc", [0.0, 1.0, 0.0, 1.0], [-3.5, 2.0, -1.0, 40.0]));
        Assert.Equal(1.0, Score("average_precision", [0.0, 1.0, 0.0, 1.0], [-3.5, 2.0, -1.0, 40.0]));
    }

    [Fact]
    public void Score_RocAucOneClass_SaysBothClassesAreNeeded()
    {
        var error = Fails("roc_auc", [1.0, 1.0, 1.0], [0.2, 0.6, 0.9]);

        Assert.Equal(
            "Metric 'roc_auc' is undefined when actual holds one class only (all 3 labels are 1); " +
            "score a sample that has both labels 0 and 1. (Parameter 'actual')",
            error.Message);
    }

    [Fact]
    public void Score_LogLossOneClass_SaysBothClassesAreNeeded()
    {
        var error = Fails("log_loss", [0.0, 0.0], [0.2, 0.6]);

        Assert.Equal(
            "Metric 'log_loss' is undefined when actual holds one class only (all 2 labels are 0); " +
            "score a sample that has both labels 0 and 1. (Parameter 'actual')",
            error.Message);
    }

    [Fact]
    public void Score_AveragePrecisionNoPositive_IsNegativeZeroAsInSklearn()
    {
        var value = Score("average_precision", [0.0, 0.0, 0.0], [0.1, 0.2, 0.3]);

        Assert.Equal(0.0, value);
        Assert.True(double.IsNegative(value));
    }

    [Fact]
    public void Score_R2SingleValue_IsNaNAsInSklearn()
    {
        Assert.True(double.IsNaN(Score("r2", [3.0], [2.0])));
    }

    [Fact]
    public void Score_R2ConstantExactActual_IsOneWhenPerfectElseZero()
    {
        Assert.Equal(1.0, Score("r2", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]));
        Assert.Equal(0.0, Score("r2", [2.0, 2.0, 2.0], [2.0, 2.5, 2.0]));
    }

    [Fact]
    public void Score_R2ConstantActualWithInexactMean_IsHugelyNegativeAsInSklearn()
    {
        // mean([0.1, 0.1, 0.1]) rounds to 0.10000000000000002, so SS_tot is about 6e-34, not 0.
        Assert.Equal(-1.7307656195116095e+31, Score("r2", [0.1, 0.1, 0.1], [0.1, 0.2, 0.1]), 1e-9 * 1.7307656195116095e+31);
    }

    [Fact]
    public void Score_MapeZeroActual_DividesByMachineEpsilon()
    {
        Assert.Equal(0.5 / 2.220446049250313e-16 / 2, Score("mape", [0.0, 1.0], [0.5, 1.0]));
    }

    [Fact]
    public void Score_LogLossHardWrongLabel_ClipsAtMachineEpsilon()
    {
        // -ln(2^-52) / 2 rather than infinity: 1.2.1 clips with eps="auto", the float64 epsilon, not 1e-15.
        Assert.Equal(-Math.Log(2.220446049250313e-16) / 2, Score("log_loss", [0.0, 1.0], [0.0, 0.0]), 1e-12);
    }

    [Fact]
    public void Score_LabelMetrics_HalfIsClassZeroAndHardLabelsPassThrough()
    {
        // Labels [0, 1, 1, 0]: the last actual 1 is missed.
        double[] actual = [0.0, 1.0, 1.0, 1.0];
        double[] predicted = [0.5, 1.0, 0.5000000000000001, 0.5];

        Assert.Equal(0.75, Score("accuracy", actual, predicted));
        Assert.Equal(1.0, Score("precision", actual, predicted));
        Assert.Equal(2.0 / 3.0, Score("recall", actual, predicted));
        Assert.Equal(1.0, Score("f1", [0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0]));
    }

    [Fact]
    public void Score_PrecisionNothingPredictedPositive_IsZero()
    {
        Assert.Equal(0.0, Score("precision", [0.0, 1.0], [0.1, 0.2]));
        Assert.Equal(0.0, Score("recall", [0.0, 0.0], [0.1, 0.9]));
        Assert.Equal(0.0, Score("f1", [0.0, 0.0], [0.1, 0.2]));
    }

    [Fact]
    public void Score_RocAucTiedScores_CountHalf()
    {
        Assert.Equal(0.5, Score("roc_auc", [0.0, 1.0, 0.0, 1.0], [0.3, 0.3, 0.3, 0.3]));
        // Pairs (positive, negative): (0.3, 0.3) ties and counts 1/2, the other three are ordered: 3.5 / 4.
        Assert.Equal(0.875, Score("roc_auc", [0.0, 1.0, 0.0, 1.0], [0.3, 0.3, 0.1, 0.9]));
    }

    [Fact]
    public void Score_Weighted_IntegerWeightsEqualRepeatedSamples()
    {
        double[] actual = [1.0, 2.0, 4.0];
        double[] predicted = [1.5, 2.0, 3.0];
        var metric = MetricCatalog.Get("mse");

        Assert.Equal(
            metric.Score([1.0, 1.0, 2.0, 4.0], [1.5, 1.5, 2.0, 3.0]),
            metric.Score(actual, predicted, [2.0, 1.0, 1.0]),
            1e-15);
    }

    [Fact]
    public void Score_MaxErrorWeighted_LeavesOutZeroWeights()
    {
        var metric = MetricCatalog.Get("max_error");

        Assert.Equal(1.0, metric.Score([1.0, 2.0, 10.0], [2.0, 2.0, 0.0], [0.5, 3.0, 0.0]));
    }

    [Fact]
    public void Score_WeightsLengthDiffers_NamesBothLengths()
    {
        var error = FailsWeighted("mse", [1.0, 2.0], [1.0, 2.0], [1.0]);

        Assert.Equal(
            "Metric 'mse': weights has 1 values but actual has 2; they must have the same length. (Parameter 'weights')",
            error.Message);
    }

    [Theory]
    [InlineData(-1.0, "-1")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Score_InvalidWeight_NamesIndex(double weight, string text)
    {
        var error = FailsWeighted("brier", [0.0, 1.0], [0.5, 0.5], [1.0, weight]);

        Assert.Equal(
            $"Metric 'brier': weights[1] is {text}; weights must be finite and not negative. (Parameter 'weights')",
            error.Message);
    }

    [Fact]
    public void Score_WeightsAllZero_Throws()
    {
        var error = FailsWeighted("accuracy", [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]);

        Assert.Equal("Metric 'accuracy': the weights sum to 0; at least one weight must be positive. (Parameter 'weights')", error.Message);
    }

    [Fact]
    public void Score_LargeInput_DoesNotChangeInput()
    {
        var random = new Random(7);
        var actual = new double[20_000];
        var scores = new double[20_000];
        for (var i = 0; i < actual.Length; i++)
        {
            actual[i] = random.Next(2);
            scores[i] = Math.Round(random.NextDouble(), 2);
        }

        var scoresBefore = (double[])scores.Clone();
        var auc = Score("roc_auc", actual, scores);

        Assert.InRange(auc, 0.45, 0.55);
        Assert.Equal(scoresBefore, scores);
    }
}

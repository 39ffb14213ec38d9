using ModelOps.Core.Metrics;

namespace ModelOps.Core.Tests.Metrics;

/// <summary>Every metric on every case of tests/fixtures/metrics/metrics.json equals scikit-learn 1.2.1.</summary>
public sealed class SklearnParityTests
{
    private const double RelativeTolerance = 1e-9;
    private const double AbsoluteTolerance = 1e-12;

    /// <summary>The errors scikit-learn raises on the fixture's cases; any other error is a new case to look at.</summary>
    private static readonly string[] KnownSklearnErrors =
    [
        "Only one class present in y_true. ROC AUC score is not defined in that case.",
        "y_true contains only one label (0). Please provide the true labels explicitly through the labels argument.",
        "y_true contains only one label (1). Please provide the true labels explicitly through the labels argument.",
    ];

    public static TheoryData<string, string> CaseMetrics()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, fixtureCase) in SklearnFixture.Cases)
        {
            foreach (var metric in fixtureCase.Expected.Keys)
            {
                data.Add(name, metric);
            }
        }

        return data;
    }

    [Fact]
    public void Fixture_Generator_IsScikitLearn121()
    {
        Assert.Equal("1.2.1", SklearnFixture.SklearnVersion);
    }

    [Fact]
    public void Fixture_Cases_CoverEveryMetricOfTheirTask()
    {
        Assert.True(SklearnFixture.Cases.Count >= 50, $"only {SklearnFixture.Cases.Count} cases");
        foreach (var fixtureCase in SklearnFixture.Cases.Values)
        {
            var names = new List<string>();
            foreach (var metric in MetricCatalog.For(fixtureCase.Task))
            {
                names.Add(metric.Name);
            }

            Assert.Equal(names.Order(StringComparer.Ordinal), fixtureCase.Expected.Keys.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(CaseMetrics))]
    public void Score_SklearnCase_MatchesSklearn(string caseName, string metricName)
    {
        var fixtureCase = SklearnFixture.Cases[caseName];
        var expected = fixtureCase.Expected[metricName];
        var metric = MetricCatalog.Get(metricName);
        Assert.Equal(fixtureCase.Task, metric.Task);

        if (expected.Error is not null)
        {
            Assert.Contains(expected.Error, KnownSklearnErrors);
            var error = Assert.Throws<ArgumentException>(() => Score(metric, fixtureCase));
            Assert.Equal(
                $"Metric '{metricName}' is undefined when actual holds one class only (all {fixtureCase.Actual.Length} labels are " +
                $"{fixtureCase.Actual[0]}); score a sample that has both labels 0 and 1. (Parameter 'actual')",
                error.Message);
            return;
        }

        AssertMatches(expected.Value!.Value, Score(metric, fixtureCase));
    }

    private static double Score(IMetric metric, SklearnCase fixtureCase) => fixtureCase.Weights is null
        ? metric.Score(fixtureCase.Actual, fixtureCase.Predicted)
        : metric.Score(fixtureCase.Actual, fixtureCase.Predicted, fixtureCase.Weights);

    private static void AssertMatches(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Assert.Equal(expected, actual);
            return;
        }

        if (expected == 0.0)
        {
            // Also the sign: average_precision with no positive label is -0.0 in scikit-learn.
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
            return;
        }

        var tolerance = Math.Max(RelativeTolerance * Math.Abs(expected), AbsoluteTolerance);
        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"expected {expected:R} (scikit-learn), got {actual:R}: difference {Math.Abs(actual - expected):R} > {tolerance:R}");
    }
}

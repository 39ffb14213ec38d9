using System.Text.Json;
using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>
/// Every figure of <see cref="GroupAnalytics.Compute"/> on the fixture cases equals the Python reference:
/// point metrics from scikit-learn and numpy, intervals from scipy quantiles and the formulas in generate_analytics.py.
/// </summary>
public sealed class FixtureParityTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in AnalyticsFixture.CaseNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_FixtureCase_ModelFiguresEqualPythonReference(string name)
    {
        var fixture = AnalyticsFixture.Case(name);
        var report = GroupAnalytics.Compute(fixture.Rows, fixture.Task, fixture.Options);

        var expected = fixture.Expected.GetProperty("models");
        Assert.Equal(expected.GetArrayLength(), report.Models.Count);
        var i = 0;
        foreach (var e in expected.EnumerateArray())
        {
            var actual = report.Models[i];
            var path = $"{name}.models[{i}]";
            Assert.Equal(e.GetProperty("model").GetString(), actual.Model);
            Assert.Equal(e.GetProperty("version").GetInt32(), actual.Version);
            Assert.Equal(e.GetProperty("role").GetString(), actual.Role);
            Assert.Equal(e.GetProperty("isChampion").GetBoolean(), actual.IsChampion);
            Assert.Equal(e.GetProperty("requests").GetInt64(), actual.Requests);
            Assert.Equal(e.GetProperty("errors").GetInt64(), actual.Errors);
            Assert.Equal(e.GetProperty("labelled").GetInt64(), actual.Labelled);
            AssertEstimate(e.GetProperty("errorRate"), actual.ErrorRate, $"{path}.errorRate");
            AssertEstimate(e.GetProperty("meanPrediction"), actual.MeanPrediction, $"{path}.meanPrediction");

            var latency = e.GetProperty("latency");
            Assert.Equal(latency.GetProperty("n").GetInt64(), actual.Latency.N);
            AssertClose(latency, "p50", actual.Latency.P50, $"{path}.latency");
            AssertClose(latency, "p95", actual.Latency.P95, $"{path}.latency");
            AssertClose(latency, "p99", actual.Latency.P99, $"{path}.latency");
            AssertClose(latency, "mean", actual.Latency.Mean, $"{path}.latency");
            AssertClose(latency, "max", actual.Latency.Max, $"{path}.latency");

            if (fixture.Task == ModelTask.BinaryClassification)
            {
                Assert.Null(actual.Regression);
                AssertEstimate(e.GetProperty("meanProbability"), actual.MeanProbability!, $"{path}.meanProbability");
                var quality = e.GetProperty("classification");
                var c = actual.Classification!;
                AssertEstimate(quality.GetProperty("accuracy"), c.Accuracy, $"{path}.accuracy");
                AssertEstimate(quality.GetProperty("rocAuc"), c.RocAuc, $"{path}.rocAuc");
                AssertEstimate(quality.GetProperty("logLoss"), c.LogLoss, $"{path}.logLoss");
                AssertEstimate(quality.GetProperty("brier"), c.Brier, $"{path}.brier");
            }
            else
            {
                Assert.Null(actual.Classification);
                Assert.Null(actual.MeanProbability);
                var quality = e.GetProperty("regression");
                var r = actual.Regression!;
                AssertEstimate(quality.GetProperty("rmse"), r.Rmse, $"{path}.rmse");
                AssertEstimate(quality.GetProperty("mae"), r.Mae, $"{path}.mae");
                AssertEstimate(quality.GetProperty("r2"), r.R2, $"{path}.r2");
            }

            i++;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_FixtureCase_BucketsEqualPythonReference(string name)
    {
        var fixture = AnalyticsFixture.Case(name);
        var report = GroupAnalytics.Compute(fixture.Rows, fixture.Task, fixture.Options);

        var expected = fixture.Expected.GetProperty("buckets");
        Assert.Equal(expected.GetArrayLength(), report.Buckets.Count);
        var b = 0;
        foreach (var e in expected.EnumerateArray())
        {
            var bucket = report.Buckets[b];
            Assert.Equal(DateTimeOffset.Parse(e.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture), bucket.Start);
            Assert.Equal(TimeSpan.Zero, bucket.Start.Offset);
            var models = e.GetProperty("models");
            Assert.Equal(models.GetArrayLength(), bucket.Models.Count);
            var m = 0;
            foreach (var em in models.EnumerateArray())
            {
                var actual = bucket.Models[m];
                var path = $"{name}.buckets[{b}].models[{m}]";
                Assert.Equal(em.GetProperty("model").GetString(), actual.Model);
                Assert.Equal(em.GetProperty("version").GetInt32(), actual.Version);
                Assert.Equal(em.GetProperty("requests").GetInt64(), actual.Requests);
                Assert.Equal(em.GetProperty("errors").GetInt64(), actual.Errors);
                Assert.Equal(em.GetProperty("labelled").GetInt64(), actual.Labelled);
                Assert.Equal(fixture.Task == ModelTask.BinaryClassification ? "accuracy" : "rmse", actual.Metric);
                AssertClose(em, "meanPrediction", actual.MeanPrediction, path);
                AssertClose(em, "latencyP95", actual.LatencyP95, path);
                AssertClose(em, "metricValue", actual.MetricValue, path);
                m++;
            }

            b++;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_FixtureCase_VerdictsAndIssuesEqualPythonReference(string name)
    {
        var fixture = AnalyticsFixture.Case(name);
        var report = GroupAnalytics.Compute(fixture.Rows, fixture.Task, fixture.Options);

        var expected = fixture.Expected.GetProperty("comparisons");
        Assert.Equal(expected.GetArrayLength(), report.Comparisons.Count);
        var c = 0;
        foreach (var e in expected.EnumerateArray())
        {
            var actual = report.Comparisons[c];
            var path = $"{name}.comparisons[{c}]";
            Assert.Equal(e.GetProperty("model").GetString(), actual.Model);
            Assert.Equal(e.GetProperty("version").GetInt32(), actual.Version);
            Assert.Equal(fixture.Options.ChampionModel, actual.ChampionModel);
            Assert.Equal(fixture.Options.ChampionVersion, actual.ChampionVersion);
            Assert.Equal(fixture.Task == ModelTask.BinaryClassification ? "log_loss" : "squared_error", actual.Loss);
            Assert.Equal(e.GetProperty("pairs").GetInt64(), actual.Pairs);
            Assert.Equal(e.GetProperty("verdict").GetString(), actual.Verdict);
            Assert.Equal(GroupAnalytics.ConfidenceSequenceMethod, actual.Method);
            AssertClose(e, "meanDifference", actual.MeanDifference, path);
            AssertClose(e, "lower", actual.Lower, path);
            AssertClose(e, "upper", actual.Upper, path);
            c++;
        }

        var issues = fixture.Expected.GetProperty("issues");
        Assert.Equal(issues.GetArrayLength(), report.Issues.Count);
        var k = 0;
        foreach (var e in issues.EnumerateArray())
        {
            var actual = report.Issues[k++];
            Assert.Equal(e.GetProperty("model").GetString(), actual.Model);
            Assert.Equal(e.GetProperty("version").GetInt32(), actual.Version);
            Assert.Equal(e.GetProperty("field").GetString(), actual.Field);
            Assert.Equal(e.GetProperty("count").GetInt64(), actual.Count);
            Assert.Equal(e.GetProperty("firstRow").GetInt32(), actual.FirstRow);
        }
    }

    [Fact]
    public void Compute_ClassificationFixture_ExpectedVerdictsAndUndefinedAucAreExercised()
    {
        // Guards the fixture itself: the cases must cover a decisive verdict, an open one, too few pairs and one class.
        var verdicts = new HashSet<string>();
        foreach (var name in AnalyticsFixture.CaseNames())
        {
            var fixture = AnalyticsFixture.Case(name);
            foreach (var comparison in GroupAnalytics.Compute(fixture.Rows, fixture.Task, fixture.Options).Comparisons)
            {
                verdicts.Add(comparison.Verdict);
            }
        }

        Assert.Contains(Verdicts.ChallengerBetter, verdicts);
        Assert.Contains(Verdicts.NoDifferenceYet, verdicts);
        Assert.Contains(Verdicts.InsufficientData, verdicts);

        var single = AnalyticsFixture.Case("single_class");
        var auc = GroupAnalytics.Compute(single.Rows, single.Task, single.Options).Models[0].Classification!.RocAuc;
        Assert.Null(auc.Value);
        Assert.Equal("ROC AUC is undefined when the labels hold one class only: all 40 labelled rows with a probability are 1", auc.Reason);
    }

    private static void AssertEstimate(JsonElement expected, Estimate actual, string path)
    {
        Assert.True(expected.GetProperty("n").GetInt64() == actual.N, $"{path}.n: expected {expected.GetProperty("n")}, got {actual.N}");
        AssertClose(expected, "value", actual.Value, path);
        AssertClose(expected, "lower", actual.Lower, path);
        AssertClose(expected, "upper", actual.Upper, path);
        if (actual.Value is null || actual.Lower is null)
        {
            Assert.False(string.IsNullOrEmpty(actual.Reason), $"{path}: a missing value or interval must say why");
        }
    }

    private static void AssertClose(JsonElement parent, string property, double? actual, string path)
    {
        double? expected = parent.TryGetProperty(property, out var element) ? AnalyticsFixture.Number(element) : null;
        if (expected is null)
        {
            Assert.True(actual is null, $"{path}.{property}: expected null, got {actual}");
            return;
        }

        Assert.True(actual is not null, $"{path}.{property}: expected {expected}, got null");
        var scale = Math.Max(1.0, Math.Abs(expected.Value));
        Assert.True(Math.Abs(expected.Value - actual!.Value) <= Tolerance * scale,
            $"{path}.{property}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected.Value - actual.Value):E2})");
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>Edge cases of <see cref="GroupAnalytics.Compute"/>: empty and invalid input, degenerate data, verdict wiring, JSON.</summary>
public sealed class GroupAnalyticsTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly AnalyticsOptions Options = new() { ChampionModel = "m", ChampionVersion = 1 };

    [Fact]
    public void Compute_NoRows_EmptyReport()
    {
        var report = GroupAnalytics.Compute([], ModelTask.Regression, Options);

        Assert.Equal(0, report.Rows);
        Assert.Null(report.From);
        Assert.Null(report.To);
        Assert.Empty(report.Models);
        Assert.Empty(report.Buckets);
        Assert.Empty(report.Comparisons);
        Assert.Empty(report.Issues);
        Assert.Equal(3600.0, report.BucketSeconds);
        Assert.Equal(0.95, report.Confidence);
    }

    [Fact]
    public void Compute_InvalidOptions_ListsEveryProblem()
    {
        var options = new AnalyticsOptions
        {
            ChampionModel = " ",
            ChampionVersion = 1,
            BucketSize = TimeSpan.Zero,
            Confidence = 1.5,
            SequenceOptimalPairs = 0,
            MinimumPairs = 1,
        };

        var error = Assert.Throws<ArgumentException>(() => GroupAnalytics.Compute([], ModelTask.Regression, options));

        Assert.Equal(
            "Invalid analytics options: ChampionModel: must not be empty; BucketSize: must be positive, got 00:00:00; " +
            "Confidence: must be strictly between 0 and 1, got 1.5; SequenceOptimalPairs: must be at least 1, got 0; " +
            "MinimumPairs: must be at least 2, got 1. (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void Compute_NaNConfidence_Rejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            GroupAnalytics.Compute([], ModelTask.Regression, Options with { Confidence = double.NaN }));

        Assert.Equal("Invalid analytics options: Confidence: must be strictly between 0 and 1, got NaN. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void Compute_NullRow_NamesItsIndex()
    {
        var rows = new ScoredRow[] { Row("m", 1, 0, 1.0, label: 1.0), null! };

        var error = Assert.Throws<ArgumentException>(() => GroupAnalytics.Compute(rows, ModelTask.Regression, Options));

        Assert.Equal("rows[1] is null. (Parameter 'rows')", error.Message);
    }

    [Fact]
    public void Compute_EmptyModelName_NamesTheRow()
    {
        var rows = new[] { Row("m", 1, 0, 1.0), Row("", 1, 1, 1.0) };

        var error = Assert.Throws<ArgumentException>(() => GroupAnalytics.Compute(rows, ModelTask.Regression, Options));

        Assert.Equal("rows[1].Model is empty: every row needs the name of the model that scored it. (Parameter 'rows')", error.Message);
    }

    [Fact]
    public void Compute_EveryRowFailed_ErrorRateOneAndNoPredictionStatistics()
    {
        var rows = new[]
        {
            Row("m", 1, 0, 0.0, error: true),
            Row("m", 1, 1, 0.0, error: true, label: 3.0),
            Row("m", 1, 2, 0.0, error: true),
        };

        var model = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.Regression, Options).Models);

        Assert.Equal(3, model.Requests);
        Assert.Equal(3, model.Errors);
        Assert.Equal(1.0, model.ErrorRate.Value);
        Assert.Equal(1.0, model.ErrorRate.Upper);
        Assert.True(model.ErrorRate.Lower is > 0.4 and < 0.5, $"Wilson lower bound of 3/3 was {model.ErrorRate.Lower}");
        Assert.Null(model.MeanPrediction.Value);
        Assert.Equal("no rows to compute the mean prediction from", model.MeanPrediction.Reason);
        Assert.Equal(0, model.Labelled);
        Assert.Null(model.Regression!.Rmse.Value);
        Assert.Equal("no labelled rows to compute RMSE from", model.Regression.Rmse.Reason);
        Assert.Equal("R² needs at least 2 labelled rows, there are 0", model.Regression.R2.Reason);
        Assert.Equal(3, model.Latency.N);
    }

    [Fact]
    public void Compute_ConstantPredictions_ZeroWidthIntervalSaysWhy()
    {
        var rows = new[] { Row("m", 1, 0, 5.0, label: 5.0), Row("m", 1, 1, 5.0, label: 5.0), Row("m", 1, 2, 5.0, label: 5.0) };

        var model = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.Regression, Options).Models);

        Assert.Equal(new Estimate(5.0, 5.0, 5.0, 3, IntervalMethods.StudentT, "all 3 values of the mean prediction are equal: the interval has zero width"),
            model.MeanPrediction);
        Assert.Equal(new Estimate(0.0, 0.0, 0.0, 3, IntervalMethods.DeltaRmse, "all 3 errors are 0: the interval has zero width"), model.Regression!.Rmse);
        Assert.Equal(new Estimate(1.0, 1.0, 1.0, 3, IntervalMethods.DeltaR2, "all 3 errors are 0: R² is 1 and the interval has zero width"), model.Regression.R2);
    }

    [Fact]
    public void Compute_OneRowPerClass_AucWithoutDeLongInterval()
    {
        var rows = new[]
        {
            Row("m", 1, 0, 1.0, probability: 0.9, label: 1.0),
            Row("m", 1, 1, 0.0, probability: 0.2, label: 0.0),
            Row("m", 1, 2, 0.0, probability: 0.3, label: 0.0),
        };

        var auc = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.BinaryClassification, Options).Models).Classification!.RocAuc;

        Assert.Equal(1.0, auc.Value);
        Assert.Null(auc.Lower);
        Assert.Equal("the DeLong interval needs at least 2 rows of each class, there are 1 of class 1 and 2 of class 0", auc.Reason);
    }

    [Fact]
    public void Compute_ChampionAbsent_ChallengerHasInsufficientData()
    {
        var rows = new[] { Row("m", 2, 0, 1.0, label: 1.0) };

        var comparison = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.Regression, Options).Comparisons);

        Assert.Equal(Verdicts.InsufficientData, comparison.Verdict);
        Assert.Equal("the champion m version 1 has no rows", comparison.Reason);
        Assert.Equal(0, comparison.Pairs);
    }

    [Fact]
    public void Compute_TooFewPairs_SaysHowManyAndHowManyNeeded()
    {
        var rows = new List<ScoredRow>();
        for (var i = 0; i < 10; i++)
        {
            rows.Add(Row("m", 1, i, i, label: i + 1.0));
            rows.Add(Row("m", 2, i, i, label: i < 4 ? i + 0.5 : null));
        }

        var comparison = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.Regression, Options).Comparisons);

        Assert.Equal(Verdicts.InsufficientData, comparison.Verdict);
        Assert.Equal(4, comparison.Pairs);
        Assert.Equal(0.25 - 1.0, comparison.MeanDifference);
        Assert.Equal("4 labelled rows in the smaller sample (challenger 4, champion 10); a verdict needs at least 30", comparison.Reason);
    }

    [Fact]
    public void Compute_OneLabelledPair_SaysRowInTheSingular()
    {
        var rows = new List<ScoredRow> { Row("m", 1, 0, 0, label: 1.0), Row("m", 2, 0, 0, label: 0.5), Row("m", 2, 1, 1, label: null) };

        var comparison = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.Regression, Options).Comparisons);

        Assert.Equal("1 labelled row in the smaller sample (challenger 1, champion 1); a verdict needs at least 30", comparison.Reason);
    }

    [Fact]
    public void Compute_IdenticalModels_ZeroDifferenceNoVerdict()
    {
        var random = new TestRandom(3);
        var rows = new List<ScoredRow>();
        for (var i = 0; i < 200; i++)
        {
            var y = random.NextNormal();
            var prediction = y + random.NextNormal();
            rows.Add(Row("m", 1, i, prediction, label: y));
            rows.Add(Row("m", 2, i, prediction, label: y));
        }

        var comparison = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.Regression, Options).Comparisons);

        // Two samples of the same losses: no difference, and a sequence symmetric about 0 (their spread, not a pairing, sets its width).
        Assert.Equal(Verdicts.NoDifferenceYet, comparison.Verdict);
        Assert.Equal(200, comparison.Pairs);
        Assert.Equal(0.0, comparison.MeanDifference);
        Assert.Equal(-comparison.Upper!.Value, comparison.Lower!.Value);
        Assert.True(comparison.Upper > 0.0);
    }

    [Fact]
    public void Compute_BiasedChallenger_ChampionBetter()
    {
        var random = new TestRandom(4);
        var rows = new List<ScoredRow>();
        for (var i = 0; i < 300; i++)
        {
            var y = 10 * random.NextNormal();
            rows.Add(Row("m", 1, i, y + random.NextNormal(), label: y));
            rows.Add(Row("m", 7, i, y + 2.0 + random.NextNormal(), label: y, role: "challenger"));
        }

        var comparison = Assert.Single(GroupAnalytics.Compute(rows, ModelTask.Regression, Options).Comparisons);

        Assert.Equal(Verdicts.ChampionBetter, comparison.Verdict);
        Assert.Equal(7, comparison.Version);
        Assert.True(comparison.Lower > 0.0);
        Assert.Null(comparison.Reason);
    }

    [Fact]
    public void Compute_TimestampsInOtherOffsets_BucketedInUtcFromTheEpoch()
    {
        var plusTwo = TimeSpan.FromHours(2);
        var rows = new[]
        {
            // 09:59:59.999Z, 10:00Z and 10:14Z (given at +02:00), 10:15Z, 1969-12-31T23:50Z.
            Row("m", 1, 0, 1.0) with { Timestamp = Start.AddMilliseconds(-1) },
            Row("m", 1, 0, 2.0) with { Timestamp = Start.ToOffset(plusTwo) },
            Row("m", 1, 0, 3.0) with { Timestamp = Start.AddMinutes(14).ToOffset(plusTwo) },
            Row("m", 1, 0, 4.0) with { Timestamp = Start.AddMinutes(15) },
            Row("m", 1, 0, 5.0) with { Timestamp = DateTimeOffset.UnixEpoch.AddMinutes(-10) },
        };

        var report = GroupAnalytics.Compute(rows, ModelTask.Regression, Options with { BucketSize = TimeSpan.FromMinutes(15) });

        Assert.Equal(
            [DateTimeOffset.UnixEpoch.AddMinutes(-15), Start.AddMinutes(-15), Start, Start.AddMinutes(15)],
            report.Buckets.Select(b => b.Start));
        Assert.Equal([1L, 1L, 2L, 1L], report.Buckets.Select(b => b.Models[0].Requests));
        Assert.Equal(2.5, report.Buckets[2].Models[0].MeanPrediction);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMinutes(-10), report.From);
        Assert.Equal(Start.AddMinutes(15), report.To);
    }

    [Fact]
    public void Compute_RoleOfLatestRow_ChampionListedFirst()
    {
        var rows = new[]
        {
            Row("b", 1, 5, 1.0, role: "challenger"),
            Row("a", 3, 0, 1.0, role: "shadow"),
            Row("m", 1, 0, 1.0, role: "challenger"),
            Row("m", 1, 9, 1.0, role: "champion"),
            Row("a", 2, 0, 1.0, role: "challenger"),
        };

        var report = GroupAnalytics.Compute(rows, ModelTask.Regression, Options);

        Assert.Equal(["m/1 champion", "a/2 challenger", "a/3 shadow", "b/1 challenger"],
            report.Models.Select(m => $"{m.Model}/{m.Version} {m.Role}"));
        Assert.True(report.Models[0].IsChampion);
        Assert.Equal(["a/2", "a/3", "b/1"], report.Comparisons.Select(c => $"{c.Model}/{c.Version}"));
    }

    [Fact]
    public void Compute_BadValues_LeftOutAndListedAsIssues()
    {
        var rows = new[]
        {
            Row("m", 1, 0, 1.0, probability: 0.8, label: 1.0),
            Row("m", 1, 1, double.NaN, probability: 0.8, label: 1.0),
            Row("m", 1, 2, 1.0, probability: double.NaN, label: 1.0) with { LatencyMs = double.PositiveInfinity },
            Row("m", 1, 3, 0.0, probability: 0.1, label: double.NaN),
            Row("m", 1, 4, 0.0, probability: 0.4, label: 0.0),
        };

        var report = GroupAnalytics.Compute(rows, ModelTask.BinaryClassification, Options);

        Assert.Equal(
        [
            new RowIssue("m", 1, "prediction", "not a finite number: the row is left out of the prediction and quality statistics", 1, 1),
            new RowIssue("m", 1, "latencyMs", "not a finite non-negative number: left out of the latency percentiles", 1, 2),
            new RowIssue("m", 1, "probability", "not a probability in [0, 1]: the row is left out of the mean probability, ROC AUC, log loss and Brier score", 1, 2),
            new RowIssue("m", 1, "label", "not a finite number: the row counts as unlabelled", 1, 3),
        ], report.Issues);
        var model = Assert.Single(report.Models);
        Assert.Equal(5, model.Requests);
        Assert.Equal(4, model.MeanPrediction.N);
        Assert.Equal(3, model.Labelled);
        Assert.Equal(3, model.Classification!.Accuracy.N);
        Assert.Equal(2, model.Classification.LogLoss.N);
        Assert.Equal(4, model.Latency.N);
    }

    [Fact]
    public void Compute_Reports_SerialiseWithDefaultAndWebOptionsAndRoundTrip()
    {
        foreach (var name in AnalyticsFixture.CaseNames())
        {
            var fixture = AnalyticsFixture.Case(name);
            var report = GroupAnalytics.Compute(fixture.Rows, fixture.Task, fixture.Options);

            var plain = JsonSerializer.Serialize(report);
            var web = JsonSerializer.Serialize(report, JsonSerializerOptions.Web);

            Assert.Contains("\"Task\":\"" + (fixture.Task == ModelTask.Regression ? "Regression" : "Classification") + "\"", plain, StringComparison.Ordinal);
            Assert.Contains("\"verdict\":\"", web, StringComparison.Ordinal);
            var back = JsonSerializer.Deserialize<GroupAnalyticsReport>(web, JsonSerializerOptions.Web)!;
            Assert.Equal(web, JsonSerializer.Serialize(back, JsonSerializerOptions.Web));
        }
    }

    [Fact]
    public void Compute_Report_TaskWrittenRegressionOrClassificationUnderACamelCaseEnumPolicy()
    {
        var hubLike = new JsonSerializerOptions(JsonSerializerOptions.Web);
        hubLike.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        var classification = JsonSerializer.Serialize(GroupAnalytics.Compute([], ModelTask.BinaryClassification, Options), hubLike);
        var regression = JsonSerializer.Serialize(GroupAnalytics.Compute([], ModelTask.Regression, Options), hubLike);

        Assert.StartsWith("{\"task\":\"classification\",", classification, StringComparison.Ordinal);
        Assert.StartsWith("{\"task\":\"regression\",", regression, StringComparison.Ordinal);
        Assert.Equal(ModelTask.BinaryClassification, JsonSerializer.Deserialize<GroupAnalyticsReport>(classification, hubLike)!.Task);
    }

    private static ScoredRow Row(string model, int version, int minute, double prediction, double? probability = null,
        double? label = null, bool error = false, string role = "champion") =>
        new(model, version, role, Start.AddMinutes(minute), prediction, probability, label, 10.0 + minute, error);
}

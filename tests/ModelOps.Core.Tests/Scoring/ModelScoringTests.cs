using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Core.Schemas;
using ModelOps.Core.Scoring;

namespace ModelOps.Core.Tests.Scoring;

public sealed class ModelScoringTests
{
    private static readonly string[] CreditText = ["checking_status", "credit_history", "purpose", "housing"];
    private static readonly string[] CreditNumeric = ["duration", "credit_amount", "age"];

    private static readonly Lazy<Model> Bike = new(() =>
    {
        var bike = ShippedData.Bike.Head(3000);
        var model = new Model(
            [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)],
            new GradientBoostingRegressorOptions { MaxIter = 25 });
        model.Fit(bike, bike["cnt"]);
        return model;
    });

    private static readonly Lazy<Model> Credit = new(() => FitCredit(new GradientBoostingClassifierOptions { MaxIter = 20 }));

    [Fact]
    public void Score_Regressor_PredictionsAreTheRawOutputsWithoutProbabilities()
    {
        var rows = ShippedData.Bike.Head(1300);

        var scores = ModelScoring.Score(Bike.Value, rows);

        Assert.Equal(ModelTask.Regression, scores.Task);
        Assert.Equal(1300, scores.Rows);
        Assert.Equal(WholeMatrixRaw(Bike.Value, rows), scores.Raw);
        Assert.Same(scores.Raw, scores.Predictions);
        Assert.Null(scores.Probabilities);
        Assert.Null(scores.Shap);
    }

    [Fact]
    public void Score_Classifier_ProbabilitiesAreTheLogisticLinkAndLabelsAreAboveOneHalf()
    {
        var rows = ShippedData.Credit;

        var scores = ModelScoring.Score(Credit.Value, rows);

        var raw = WholeMatrixRaw(Credit.Value, rows);
        Assert.Equal(raw, scores.Raw);
        var probabilities = Assert.IsType<double[]>(scores.Probabilities);
        for (var i = 0; i < raw.Length; i++)
        {
            Assert.Equal(1.0 / (1.0 + Math.Exp(-raw[i])), probabilities[i]);
            Assert.Equal(probabilities[i] > 0.5 ? 1.0 : 0.0, scores.Predictions[i]);
        }

        Assert.Contains(0.0, scores.Predictions);
        Assert.Contains(1.0, scores.Predictions);
    }

    [Fact]
    public void Score_ModelMethods_AreTheScoresOfTheOneCall()
    {
        var rows = ShippedData.Credit.Head(300);
        var scores = ModelScoring.Score(Credit.Value, rows);

        Assert.Equal(scores.Raw, Credit.Value.PredictRaw(rows));
        Assert.Equal(scores.Probabilities, Credit.Value.PredictProbability(rows));
        Assert.Equal(scores.Predictions, Credit.Value.Predict(rows));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(null)]
    public void Score_CancelledToken_StopsBeforeScoringABlock(int? cores)
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var options = new ScoringOptions { Explain = ShapLevel.Input, MaxDegreeOfParallelism = cores, CancellationToken = cancelled.Token };

        var thrown = Assert.ThrowsAny<OperationCanceledException>(() => ModelScoring.Score(Bike.Value, ShippedData.Bike.Head(1300), options));

        Assert.Equal(cancelled.Token, thrown.CancellationToken);
    }

    [Theory]
    [InlineData(ShapLevel.Input, 1)]
    [InlineData(ShapLevel.Input, null)]
    [InlineData(ShapLevel.Feature, null)]
    public void Score_WithExplain_ShapIsTheOneShotExplainersBitForBitAndAddsUpToRaw(ShapLevel level, int? cores)
    {
        // 1,000 rows: 16 blocks of 64 (the last partial), explained on one core or on all.
        var rows = ShippedData.Bike.Take([.. Enumerable.Range(500, 1000)]);

        var scores = ModelScoring.Score(Bike.Value, rows, new ScoringOptions { Explain = level, MaxDegreeOfParallelism = cores });

        var alone = ShapExplainer.Explain(Bike.Value, rows, level);
        var shap = Assert.IsType<ShapValues>(scores.Shap);
        Assert.Equal(alone.Names, shap.Names);
        Assert.Equal(alone.BaseValue, shap.BaseValue);
        Assert.Equal(alone.Values.ToArray(), shap.Values.ToArray());
        Assert.Equal(WholeMatrixRaw(Bike.Value, rows), scores.Raw);
        for (var i = 0; i < scores.Rows; i++)
        {
            var sum = shap.BaseValue;
            foreach (var value in shap.Row(i))
            {
                sum += value;
            }

            Assert.Equal(scores.Raw[i], sum, 1e-9);
        }
    }

    [Fact]
    public void Score_WithAPreparedExplainer_UsesItsLevel()
    {
        var rows = ShippedData.Credit.Head(200);
        var explainer = ShapExplainer.Prepare(Credit.Value, ShapLevel.Feature);

        var scores = ModelScoring.Score(Credit.Value, rows, new ScoringOptions { Explain = ShapLevel.Input, Explainer = explainer });

        Assert.Equal(Credit.Value.FeatureNames, scores.Shap!.Names);
        Assert.Equal(explainer.Explain(Credit.Value.Pipeline!.Transform(rows)).Values.ToArray(), scores.Shap.Values.ToArray());
    }

    [Fact]
    public void Score_LinearClassifier_ExplainedExactly()
    {
        var model = FitCredit(new LogisticRegressionOptions());
        var rows = ShippedData.Credit.Head(150);

        var scores = ModelScoring.Score(model, rows, new ScoringOptions { Explain = ShapLevel.Input });

        Assert.Equal(ShapExplainer.Explain(model, rows).Values.ToArray(), scores.Shap!.Values.ToArray());
        Assert.Equal(model.PredictProbability(rows), scores.Probabilities);
    }

    [Fact]
    public void Score_ExplainerOfAnotherModel_IsRefusedBeforeScoring()
    {
        var other = ShapExplainer.Prepare(Credit.Value);

        var error = Assert.Throws<ArgumentException>(() => ModelScoring.Score(Bike.Value, ShippedData.Bike.Head(3), new ScoringOptions { Explainer = other }));

        Assert.Equal(
            $"The explainer was prepared for a model of {Credit.Value.FeatureNames.Count} features, but the GradientBoostingRegressor model has {Bike.Value.FeatureNames.Count}. (Parameter 'explainer')",
            error.Message);
    }

    [Fact]
    public void Score_UnfittedModel_SaysToFitFirst()
    {
        var model = new Model([new PassthroughStep(["hr"])], new GradientBoostingRegressorOptions());

        var error = Assert.Throws<InvalidOperationException>(() => ModelScoring.Score(model, ShippedData.Bike.Head(3)));

        Assert.Equal("The GradientBoostingRegressor model is not fitted; call Fit first.", error.Message);
    }

    [Fact]
    public void Score_MissingInputColumn_IsASchemaErrorNamingIt()
    {
        var rows = ShippedData.Bike.Head(5).Drop("hr");

        var error = Assert.Throws<SchemaException>(() => ModelScoring.Score(Bike.Value, rows));

        Assert.Contains("'hr'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_NoRows_GivesEmptyScores()
    {
        var scores = ModelScoring.Score(Credit.Value, ShippedData.Credit.Head(0), new ScoringOptions { Explain = ShapLevel.Input });

        Assert.Equal(0, scores.Rows);
        Assert.Empty(scores.Predictions);
        Assert.Empty(scores.Probabilities!);
        Assert.Equal(0, scores.Shap!.Rows);
    }

    [Fact]
    public async Task ScoreAsync_HandsTheTransformedRowsToExplainOnce()
    {
        var rows = ShippedData.Credit.Head(7);
        var prepared = ShapExplainer.Prepare(Credit.Value);
        var calls = 0;
        FeatureMatrix? seen = null;

        var scores = await ModelScoring.ScoreAsync(Credit.Value, rows, features =>
        {
            calls++;
            seen = features;
            return Task.FromResult(prepared.Explain(features));
        });

        Assert.Equal(1, calls);
        Assert.Equal(Credit.Value.Pipeline!.Transform(rows).Values.ToArray(), seen!.Values.ToArray());
        Assert.Equal(ModelScoring.Score(Credit.Value, rows).Probabilities, scores.Probabilities);
        Assert.Equal(ShapExplainer.Explain(Credit.Value, rows).Values.ToArray(), scores.Shap!.Values.ToArray());
    }

    [Fact]
    public async Task ScoreAsync_WithoutExplain_HasNoShap()
    {
        var rows = ShippedData.Bike.Head(4);

        var scores = await ModelScoring.ScoreAsync(Bike.Value, rows, null);

        Assert.Null(scores.Shap);
        Assert.Equal(Bike.Value.PredictRaw(rows), scores.Predictions);
    }

    private static Model FitCredit(Core.Learners.LearnerOptions learner)
    {
        var model = new Model([new OneHotStep(CreditText), new StandardScaleStep(CreditNumeric)], learner);
        model.Fit(ShippedData.Credit, ShippedData.Credit["default"]);
        return model;
    }

    private static double[] WholeMatrixRaw(Model model, Frame rows)
    {
        var matrix = model.Pipeline!.Transform(rows);
        var raw = new double[matrix.Rows];
        model.Predictor!.PredictRaw(matrix, raw);
        return raw;
    }
}

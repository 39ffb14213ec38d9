using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Models;

/// <summary>Continued training (fine-tuning): from a fitted model on new rows, through the same fitted pipeline.</summary>
public sealed class ModelContinueTests
{
    private static readonly FeatureStep[] Steps = [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)];

    // The first year of bike rides trains the base; the second year (more riders) is the new data.
    private static (Frame Inputs, Column Target) Year(int year)
    {
        var bike = ShippedData.Bike;
        var rows = Enumerable.Range(0, bike.RowCount).Where(i => Value(bike["yr"], i) == year).ToArray();
        var part = bike.Take(rows);
        return (part.Select([.. ShippedData.BikeOneHot, .. ShippedData.BikeNumeric]), part["cnt"]);
    }

    private static double Value(Column column, int row) => column switch
    {
        Int64Column integers => integers[row],
        Float64Column numbers => numbers[row],
        _ => throw new ArgumentException($"{column.Name} is not numeric"),
    };

    private static double Rmse(double[] predicted, Column actual) =>
        Math.Sqrt(Enumerable.Range(0, predicted.Length).Average(i => Math.Pow(predicted[i] - Value(actual, i), 2)));

    [Fact]
    public void Boosting_AddsItsTreesToTheBasesRawOutput_AndLearnsTheNewRows()
    {
        var (first, firstTarget) = Year(0);
        var (second, secondTarget) = Year(1);
        var fitted = new Model(Steps, new GradientBoostingRegressorOptions { MaxIter = 40 });
        fitted.Fit(first, firstTarget);

        var continued = fitted.Continue(second, secondTarget, new GradientBoostingRegressorOptions { MaxIter = 25, LearningRate = 0.05 });

        var before = (TreeEnsemble)fitted.Predictor!;
        var after = (TreeEnsemble)continued.Predictor!;
        Assert.Equal(65, after.Trees.Count);
        Assert.Equal(before.BaseScore, after.BaseScore);
        Assert.All(Enumerable.Range(0, 40), t => Assert.Same(before.Trees[t], after.Trees[t]));
        var features = continued.Pipeline!.Transform(second);
        for (var i = 0; i < 200; i++)
        {
            var row = features.Row(i).ToArray();
            var added = after.Trees.Skip(40).Sum(tree => tree.Predict(row));
            Assert.Equal(before.PredictRaw(row) + added, after.PredictRaw(row), 1e-9);
        }

        Assert.Same(fitted.Pipeline, continued.Pipeline);
        Assert.True(Rmse(continued.Predict(second), secondTarget) < 0.8 * Rmse(fitted.Predict(second), secondTarget));
        Assert.Equal(40, ((TreeEnsemble)fitted.Predictor!).Trees.Count);
    }

    [Fact]
    public void Forest_AddsTreesAveragedWithTheBases()
    {
        var (first, firstTarget) = Year(0);
        var (second, secondTarget) = Year(1);
        var fitted = new Model(Steps, new RandomForestRegressorOptions { NEstimators = 6, MaxDepth = 6 });
        fitted.Fit(first, firstTarget);

        var continued = fitted.Continue(second, secondTarget, new RandomForestRegressorOptions { NEstimators = 4, MaxDepth = 6, Seed = 1 });

        var forest = (TreeEnsemble)continued.Predictor!;
        Assert.Equal((10, true), (forest.Trees.Count, forest.Averaged));
        var row = continued.Pipeline!.Transform(second).Row(0).ToArray();
        Assert.Equal(forest.Trees.Average(t => t.Predict(row)), forest.PredictRaw(row), 1e-9);
    }

    [Fact]
    public void Ridge_MovesTheBaseCoefficientsTowardTheNewRows_AsMuchAsItsPenaltyAllows()
    {
        var (first, firstTarget) = Year(0);
        var (second, secondTarget) = Year(1);
        var fitted = new Model(Steps, new RidgeOptions { Alpha = 1 });
        fitted.Fit(first, firstTarget);
        var start = (LinearPredictor)fitted.Predictor!;

        var stiff = (LinearPredictor)fitted.Continue(second, secondTarget, new RidgeOptions { Alpha = 1e14 }).Predictor!;
        var free = fitted.Continue(second, secondTarget, new LinearRegressionOptions());
        var refit = new Model(Steps, new LinearRegressionOptions());
        refit.Fit(second, secondTarget);

        // A huge penalty keeps the coefficients; only the (unpenalised) intercept follows the new rows' mean.
        Assert.All(Enumerable.Range(0, start.FeatureCount), j => Assert.Equal(start.Coefficients[j], stiff.Coefficients[j], 1e-6));
        Assert.NotEqual(start.Intercept, stiff.Intercept, 1);

        // Without a penalty the answer does not depend on the start: it is the refit on the new rows.
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(refit.Predict(second.Head(200))[i], free.Predict(second.Head(200))[i], 1e-6));
    }

    [Fact]
    public void Logistic_StartsFromTheBaseCoefficients_AndItsPenaltyPullsTowardThem()
    {
        string[] columns = ["duration", "credit_amount", "installment_commitment", "age", "existing_credits"];
        FeatureStep[] steps = [new StandardScaleStep(columns)];
        var credit = ShippedData.Credit;
        var (first, second) = (credit.Head(500), credit.Take([.. Enumerable.Range(500, 500)]));
        var fitted = new Model(steps, new LogisticRegressionOptions());
        fitted.Fit(first.Select(columns), first["default"]);
        var start = (LinearPredictor)fitted.Predictor!;

        var stiff = (LinearPredictor)fitted.Continue(second.Select(columns), second["default"], new LogisticRegressionOptions { C = 1e-9 }).Predictor!;
        var loose = fitted.Continue(second.Select(columns), second["default"], new LogisticRegressionOptions { C = 1e9 });
        var refit = new Model(steps, new LogisticRegressionOptions { C = 1e9 });
        refit.Fit(second.Select(columns), second["default"]);

        // A very strong pull keeps the base coefficients (the intercept, unpenalised, follows the new rows).
        Assert.All(Enumerable.Range(0, columns.Length), j => Assert.Equal(start.Coefficients[j], stiff.Coefficients[j], 1e-6));
        Assert.NotEqual(start.Intercept, stiff.Intercept, 3);

        // A vanishing pull gives the new rows' own optimum: the refit's.
        var rows = second.Select(columns).Head(100);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(refit.PredictProbability(rows)[i], loose.PredictProbability(rows)[i], 1e-5));
    }

    [Fact]
    public void Fit_TellsItsProgress_RoundByRoundAndTreeByTree()
    {
        var (first, firstTarget) = Year(0);
        var boosting = new Recorder();
        var forest = new Recorder();

        new Model(Steps, new GradientBoostingRegressorOptions { MaxIter = 8 }).Fit(first, firstTarget, boosting);
        new Model(Steps, new RandomForestRegressorOptions { NEstimators = 5, MaxDepth = 3 }).Fit(first, firstTarget, forest);

        Assert.Equal([0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0], boosting.Values);
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0], forest.Values.Order());
    }

    [Fact]
    public void Continue_Refusals_SayWhatDoesNotFit()
    {
        var (first, firstTarget) = Year(0);
        var boosted = new Model(Steps, new GradientBoostingRegressorOptions { MaxIter = 5 });
        boosted.Fit(first, firstTarget);
        var unfitted = new Model(Steps, new GradientBoostingRegressorOptions());

        var forest = Assert.Throws<ArgumentException>(() => boosted.Continue(first, firstTarget, new RandomForestRegressorOptions { NEstimators = 2 }));
        var task = Assert.Throws<ArgumentException>(() => boosted.Continue(first, firstTarget, new GradientBoostingClassifierOptions()));
        var tree = Assert.Throws<NotSupportedException>(() => boosted.Continue(first, firstTarget, new DecisionTreeRegressorOptions()));
        var notFitted = Assert.Throws<InvalidOperationException>(() => unfitted.Continue(first, firstTarget, new GradientBoostingRegressorOptions()));

        Assert.StartsWith("RandomForestRegressor continues a forest of the same features, not a boosted ensemble of 5 trees over ", forest.Message, StringComparison.Ordinal);
        Assert.StartsWith("GradientBoostingClassifier is a binary classifier but the model is a regressor.", task.Message, StringComparison.Ordinal);
        Assert.Equal("DecisionTreeRegressor cannot continue training from a fitted model; refit it on the new data instead", tree.Message);
        Assert.Equal("The GradientBoostingRegressor model is not fitted; only a fitted model can continue training.", notFitted.Message);
        Assert.Equal((true, true, true, true, false), (new GradientBoostingClassifierOptions().CanContinue, new RandomForestClassifierOptions().CanContinue, new RidgeOptions().CanContinue, new LogisticRegressionOptions().CanContinue, new DecisionTreeClassifierOptions().CanContinue));
    }

    private sealed class Recorder : IProgress<double>
    {
        private readonly List<double> _values = [];

        public IReadOnlyList<double> Values
        {
            get
            {
                lock (_values)
                {
                    return [.. _values];
                }
            }
        }

        public void Report(double value)
        {
            lock (_values)
            {
                _values.Add(value);
            }
        }
    }
}

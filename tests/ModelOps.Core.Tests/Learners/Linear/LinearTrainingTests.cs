using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Learners.Linear;

public sealed class LinearTrainingTests
{
    [Fact]
    public void Fit_MissingFeatureValues_ThrowsTrainingDataExceptionNamingTheFeature()
    {
        var frame = new Frame(
            new Float64Column("temp", [1.0, null, 3.0, null, 5.0, null]),
            new Float64Column("hum", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]));
        var model = new Model([new PassthroughStep(["temp", "hum"])], new LinearRegressionOptions());

        var error = Assert.Throws<TrainingDataException>(() => model.Fit(frame, new Float64Column("y", [1.0, 2, 3, 4, 5, 6])));

        Assert.Equal("LinearRegression: feature 'temp' has missing values (NaN) at 3 rows; linear models need complete features: impute or drop them.", error.Message);
        Assert.False(model.IsFitted);
    }

    [Fact]
    public void Fit_MissingAndInfiniteValues_ListsEveryFeature()
    {
        var features = new FeatureMatrix([1, double.NaN, double.PositiveInfinity, 2, 3, double.NaN, 4, double.NegativeInfinity, 5, 6], 2, ["a", "b", "c", "d", "e"]);

        var error = Assert.Throws<TrainingDataException>(() => new LogisticRegressionOptions().Fit(features, [0, 1], CancellationToken.None));

        Assert.Equal(
            "LogisticRegression: feature 'a' has missing values (NaN) at 1 row; feature 'b' has missing values (NaN) at 1 row; "
            + "feature 'c' has infinite values at 2 rows; linear models need complete, finite features: impute, clip or drop them.",
            error.Message);
    }

    [Fact]
    public void Fit_LogisticRegression_PredictsProbabilitiesThroughTheLogisticLink()
    {
        var frame = new Frame(new Float64Column("x", [-2.0, -1, -0.5, 0, 0.5, 1, 2, 0.2]));
        var target = new Int64Column("y", [0L, 0, 1, 0, 1, 1, 1, 0]);
        var model = new Model([new PassthroughStep(["x"])], new LogisticRegressionOptions());

        model.Fit(frame, target);

        var predictor = Assert.IsType<LinearPredictor>(model.Predictor);
        Assert.Equal(Link.Logistic, predictor.Link);
        var raw = model.PredictRaw(frame);
        var probabilities = model.PredictProbability(frame);
        for (var i = 0; i < raw.Length; i++)
        {
            Assert.Equal(predictor.Intercept + (predictor.Coefficients[0] * frame.Get<Float64Column>("x")[i]), raw[i], 1e-15);
            Assert.Equal(1 / (1 + Math.Exp(-raw[i])), probabilities[i], 1e-15);
        }
    }

    [Theory]
    [MemberData(nameof(AllLearners))]
    public void Fit_AnyLinearLearner_KeepsTheTrainingFeatureMeans(LearnerOptions options)
    {
        var features = new FeatureMatrix([1, 10, 2, 20, 3, 30, 6, 40], 4, ["a", "b"]);

        var predictor = Assert.IsType<LinearPredictor>(options.Fit(features, [0, 1, 0, 1], CancellationToken.None));

        Assert.Equal([3.0, 25.0], predictor.FeatureMeans.ToArray());
        Assert.Equal(2, predictor.FeatureCount);
    }

    [Theory]
    [MemberData(nameof(AllLearners))]
    public void Fit_NoIntercept_InterceptIsZero(LearnerOptions options)
    {
        var features = new FeatureMatrix([1, 0.5, 2, -1, 3, 2, -1, 1], 4, ["a", "b"]);
        var noIntercept = options.WithParameter("fit_intercept", false);

        var predictor = Assert.IsType<LinearPredictor>(noIntercept.Fit(features, [1, 0, 1, 0], CancellationToken.None));

        Assert.Equal(0.0, predictor.Intercept);
    }

    [Fact]
    public void Fit_ExactLinearData_RecoversTheCoefficients()
    {
        // y = 3 + 2a - b, no noise.
        var features = new FeatureMatrix([0, 0, 1, 0, 0, 1, 2, 3, -1, 4], 5, ["a", "b"]);
        double[] targets = [3, 5, 2, 4, -3];

        var predictor = Assert.IsType<LinearPredictor>(new LinearRegressionOptions().Fit(features, targets, CancellationToken.None));

        Assert.Equal(2.0, predictor.Coefficients[0], 1e-13);
        Assert.Equal(-1.0, predictor.Coefficients[1], 1e-13);
        Assert.Equal(3.0, predictor.Intercept, 1e-13);
    }

    [Fact]
    public void Fit_DuplicatedColumn_SplitsTheWeightEvenly()
    {
        // The minimum-norm answer gives two identical columns equal halves of the weight.
        var features = new FeatureMatrix([1, 1, 2, 2, 4, 4, 7, 7], 4, ["a", "a_copy"]);

        var predictor = Assert.IsType<LinearPredictor>(new LinearRegressionOptions().Fit(features, [2, 4, 8, 14], CancellationToken.None));

        Assert.Equal(1.0, predictor.Coefficients[0], 1e-13);
        Assert.Equal(1.0, predictor.Coefficients[1], 1e-13);
        Assert.Equal(0.0, predictor.Intercept, 1e-13);
    }

    [Fact]
    public void Fit_MaxIterOne_StopsAfterOneNewtonStepWithoutError()
    {
        var reference = LinearFixture.Get("logit_rare_positives");
        var features = reference.Features();

        var oneStep = Assert.IsType<LinearPredictor>(new LogisticRegressionOptions { C = 5, MaxIter = 1 }.Fit(features, reference.Y!, CancellationToken.None));
        var converged = Assert.IsType<LinearPredictor>(new LogisticRegressionOptions { C = 5 }.Fit(features, reference.Y!, CancellationToken.None));

        Assert.NotEqual(converged.Coefficients[2], oneStep.Coefficients[2], 1e-3);
        Assert.Equal(reference.Coef[2], converged.Coefficients[2], 1e-6);
    }

    [Fact]
    public void Fit_TolZero_StopsAtTheRoundingFloor()
    {
        var reference = LinearFixture.Get("logit_c1");

        var predictor = Assert.IsType<LinearPredictor>(new LogisticRegressionOptions { Tol = 0, MaxIter = 100_000 }.Fit(reference.Features(), reference.Y!, CancellationToken.None));

        Assert.Equal(reference.Coef[0], predictor.Coefficients[0], 1e-12);
    }

    [Theory]
    [MemberData(nameof(AllLearners))]
    public void Fit_SameData_GivesIdenticalCoefficients(LearnerOptions options)
    {
        var reference = LinearFixture.Get("logit_duplicated_column");

        var first = Assert.IsType<LinearPredictor>(options.Fit(reference.Features(), reference.Y!, CancellationToken.None));
        var second = Assert.IsType<LinearPredictor>(options.Fit(reference.Features(), reference.Y!, CancellationToken.None));

        Assert.Equal(first.Coefficients.ToArray(), second.Coefficients.ToArray());
        Assert.Equal(first.Intercept, second.Intercept);
    }

    [Theory]
    [MemberData(nameof(AllLearners))]
    public void Fit_Cancelled_ThrowsOperationCanceled(LearnerOptions options)
    {
        var reference = LinearFixture.Get("logit_c1");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => options.Fit(reference.Features(), reference.Y!, cancelled.Token));
    }

    public static TheoryData<LearnerOptions> AllLearners() =>
        [new LinearRegressionOptions(), new RidgeOptions(), new LogisticRegressionOptions()];
}

using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Models;
using Xunit.Abstractions;

namespace ModelOps.Core.Tests.Learners.Linear;

/// <summary>The linear learners against scikit-learn 1.2.1 (tests/fixtures/linear/linear.json).</summary>
public sealed class SklearnParityTests(ITestOutputHelper output)
{
    private const double LeastSquaresTolerance = 1e-8;
    private const double LogisticTolerance = 1e-6;

    [Theory]
    [MemberData(nameof(LinearFixture.RegressionCases), MemberType = typeof(LinearFixture))]
    public void Fit_SklearnRegressionCase_MatchesCoefficientsAndPredictions(string name)
    {
        var reference = LinearFixture.Get(name);
        LearnerOptions options = reference.Learner == "Ridge"
            ? new RidgeOptions { Alpha = reference.Param("alpha"), FitIntercept = reference.FitIntercept }
            : new LinearRegressionOptions { FitIntercept = reference.FitIntercept };
        var features = reference.Features();

        var predictor = Assert.IsType<LinearPredictor>(options.Fit(features, reference.Y!, CancellationToken.None));
        var predictions = ParityAssert.PredictRaw(predictor, features);

        var (coefficients, intercept, predicted) = ParityAssert.Equal(reference.Expected, predictor, predictions, LeastSquaresTolerance);
        var rss = ParityAssert.ResidualSumOfSquares(reference.Y!, predictions);
        Assert.Equal(reference.Expected.Rss!.Value, rss, 1e-9 * Math.Max(1, rss));
        Assert.Equal(Link.Identity, predictor.Link);
        Assert.Equal(0.0, reference.FitIntercept ? 0.0 : predictor.Intercept);
        var source = reference.SklearnIsMinNorm == false
            ? $"min-norm (sklearn rank {reference.SklearnRank} of {reference.Rank}, max |coef| {ParityAssert.MaxAbs(reference.Coef):E2})"
            : "sklearn";
        output.WriteLine($"{name}: reference {source}, max |dcoef| {coefficients:E2}, |dintercept| {intercept:E2}, max |dpred| {predicted:E2}, RSS {rss:R} vs sklearn {reference.Rss:R}");
    }

    [Theory]
    [MemberData(nameof(LinearFixture.ClassificationCases), MemberType = typeof(LinearFixture))]
    public void Fit_SklearnLogisticCase_MatchesPenalizedOptimum(string name)
    {
        var reference = LinearFixture.Get(name);
        var options = new LogisticRegressionOptions { C = reference.Param("C"), FitIntercept = reference.FitIntercept, Tol = 1e-10 };
        var features = reference.Features();

        var predictor = Assert.IsType<LinearPredictor>(options.Fit(features, reference.Y!, CancellationToken.None));
        var predictions = ParityAssert.PredictRaw(predictor, features);

        var (coefficients, intercept, predicted) = ParityAssert.Equal(reference, predictor, predictions, LogisticTolerance);
        Assert.Equal(Link.Logistic, predictor.Link);
        for (var i = 0; i < predictions.Length; i++)
        {
            Assert.Equal(reference.Probabilities![i], Predictor.ApplyLink(predictor.Link, predictions[i]), 1e-9);
        }

        output.WriteLine($"{name}: max |dcoef| {coefficients:E2}, |dintercept| {intercept:E2}, max |dlogodds| {predicted:E2}; sklearn lbfgs(tol=1e-10) is {reference.Lbfgs!.MaxAbsCoefDiff:E2} off");
    }

    [Fact]
    public void Fit_CreditLinearRegression_MatchesMinimumNormAndFitsBetterThanSklearn()
    {
        var credit = LinearFixture.Credit;
        var reference = credit.LinearRegression;

        var (model, predictor) = FitCredit(new LinearRegressionOptions());

        // scikit-learn's lstsq keeps 9 rounding-noise singular values of the full one-hot encoding
        // (rank 57 of 48), so its coefficients reach 1e13; the minimum-norm fit is the reference.
        Assert.False(reference.SklearnIsMinNorm);
        Assert.Equal(48, reference.Rank);
        var head = ParityAssert.Equal(reference.MinNorm!, predictor, model.PredictRaw(CreditData.Frame.Head(credit.Head)), LeastSquaresTolerance);
        var rss = ParityAssert.ResidualSumOfSquares(Targets(), model.PredictRaw(CreditData.Frame));
        Assert.Equal(reference.MinNorm!.Rss!.Value, rss, 1e-9);
        Assert.True(rss < reference.Rss!.Value, $"RSS {rss} not below scikit-learn's {reference.Rss}");
        output.WriteLine($"credit LinearRegression vs min-norm: max |dcoef| {head.Coefficients:E2}, |dintercept| {head.Intercept:E2}, max |dpred| {head.Predictions:E2}; RSS {rss:R} vs sklearn {reference.Rss:R}; sklearn max |coef| {ParityAssert.MaxAbs(reference.Coef):E2}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(10.0)]
    public void Fit_CreditRidge_MatchesSklearn(double alpha)
    {
        var reference = Array.Find(LinearFixture.Credit.Ridge, r => r.Alpha == alpha)!;

        var (model, predictor) = FitCredit(new RidgeOptions { Alpha = alpha });

        var head = ParityAssert.Equal(reference, predictor, model.PredictRaw(CreditData.Frame.Head(LinearFixture.Credit.Head)), LeastSquaresTolerance);
        output.WriteLine($"credit Ridge alpha={alpha}: max |dcoef| {head.Coefficients:E2}, |dintercept| {head.Intercept:E2}, max |dpred| {head.Predictions:E2}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.05)]
    [InlineData(100.0)]
    public void Fit_CreditLogisticRegression_MatchesSklearnOptimum(double c)
    {
        var reference = Array.Find(LinearFixture.Credit.Logistic, r => r.C == c)!;

        var (model, predictor) = FitCredit(new LogisticRegressionOptions { C = c, Tol = 1e-10 });

        var head = ParityAssert.Equal(reference, predictor, model.PredictRaw(CreditData.Frame.Head(LinearFixture.Credit.Head)), LogisticTolerance);
        var probabilities = model.PredictProbability(CreditData.Frame.Head(LinearFixture.Credit.Head));
        ParityAssert.VectorEqual(reference.Probabilities!, probabilities, 1e-9, "probability");
        output.WriteLine($"credit LogisticRegression C={c}: max |dcoef| {head.Coefficients:E2}, |dintercept| {head.Intercept:E2}, max |dlogodds| {head.Predictions:E2}; sklearn lbfgs(tol=1e-10) is {reference.Lbfgs!.MaxAbsCoefDiff:E2} off");
    }

    [Fact]
    public void Fit_CreditLogisticRegressionDefaults_MatchesSklearnOptimum()
    {
        var reference = Array.Find(LinearFixture.Credit.Logistic, r => r.C == 1.0)!;

        var (model, predictor) = FitCredit(new LogisticRegressionOptions());

        var head = ParityAssert.Equal(reference, predictor, model.PredictRaw(CreditData.Frame.Head(LinearFixture.Credit.Head)), LogisticTolerance);
        output.WriteLine($"credit LogisticRegression defaults (tol 1e-4): max |dcoef| {head.Coefficients:E2}");
    }

    [Fact]
    public void Pipeline_Credit_FeatureNamesAndOrderMatchSklearn()
    {
        var (model, _) = FitCredit(new RidgeOptions());

        Assert.Equal(LinearFixture.Credit.FeatureNames, model.FeatureNames);
    }

    [Fact]
    public void Fixture_GeneratedWithSklearn121()
    {
        Assert.Equal("1.2.1", LinearFixture.SklearnVersion);
    }

    private static (Model Model, LinearPredictor Predictor) FitCredit(LearnerOptions options)
    {
        var credit = LinearFixture.Credit;
        var model = new Model(CreditData.Steps(credit), options);
        model.Fit(CreditData.Frame, CreditData.Frame[credit.Target]);
        return (model, Assert.IsType<LinearPredictor>(model.Predictor));
    }

    private static double[] Targets()
    {
        var targets = new double[CreditData.Frame.RowCount];
        var column = CreditData.Frame.Get<Core.Data.Int64Column>(LinearFixture.Credit.Target);
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = column[i];
        }

        return targets;
    }
}

using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Learners;

/// <summary>
/// Model quality against scikit-learn 1.2.1 with equal hyper-parameters on the shipped data
/// (reference numbers from tests/fixtures/quality/generate_quality.py).
/// </summary>
public sealed class QualityTests
{
    private static readonly string[] CreditText = ["checking_status", "credit_history", "purpose", "savings_status", "employment", "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job", "own_telephone", "foreign_worker"];
    private static readonly string[] CreditNumeric = ["duration", "credit_amount", "installment_commitment", "residence_since", "age", "existing_credits", "num_dependents"];

    private static readonly Dictionary<string, double> Reference = JsonSerializer.Deserialize<Dictionary<string, double>>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "quality", "quality.json")))!;

    [Fact]
    public void RandomForestRegressor_Bike_RmseWithinTwoPercentOfScikitLearn()
    {
        var rmse = BikeRmse(new RandomForestRegressorOptions { NEstimators = 200, MaxDepth = 20 });

        Assert.True(rmse <= 1.02 * Reference["bike_RandomForestRegressor_rmse"], $"RMSE {rmse} vs scikit-learn {Reference["bike_RandomForestRegressor_rmse"]}");
    }

    [Fact]
    public void GradientBoostingRegressor_Bike_RmseWithinTwoPercentOfScikitLearn()
    {
        var rmse = BikeRmse(new GradientBoostingRegressorOptions { MaxIter = 300, LearningRate = 0.1, MaxLeafNodes = 31 });

        Assert.True(rmse <= 1.02 * Reference["bike_GradientBoostingRegressor_rmse"], $"RMSE {rmse} vs scikit-learn {Reference["bike_GradientBoostingRegressor_rmse"]}");
    }

    [Fact]
    public void LogisticRegression_Credit_CrossValidatedAucWithinHalfAPointOfScikitLearn()
    {
        var auc = CreditAuc(LearnerCatalog.Create("LogisticRegression"));

        Assert.InRange(auc, Reference["credit_LogisticRegression_cv_roc_auc"] - 0.005, Reference["credit_LogisticRegression_cv_roc_auc"] + 0.005);
    }

    [Fact]
    public void GradientBoostingClassifier_Credit_CrossValidatedAucWithinOnePointOfScikitLearn()
    {
        var auc = CreditAuc(new GradientBoostingClassifierOptions());

        Assert.InRange(auc, Reference["credit_GradientBoostingClassifier_cv_roc_auc"] - 0.01, Reference["credit_GradientBoostingClassifier_cv_roc_auc"] + 0.01);
    }

    private static double BikeRmse(LearnerOptions learner)
    {
        var bike = ShippedData.Bike;
        var split = Splitter.Create(new TrainTestSplitOptions { TestSize = 0.2 }).Split(bike.RowCount)[0];
        var train = bike.Take(split.Train.Span);
        var test = bike.Take(split.Test.Span);
        var model = new Model([new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)], learner);
        model.Fit(train, train["cnt"]);
        var actual = Array.ConvertAll(test.Get<Int64Column>("cnt").Values.ToArray(), v => (double)v);
        return MetricCatalog.Get("rmse").Score(actual, model.Predict(test));
    }

    private static double CreditAuc(LearnerOptions learner)
    {
        var credit = ShippedData.Credit;
        var labels = Array.ConvertAll(credit.Get<Int64Column>("default").Values.ToArray(), v => (double)v);
        var folds = Splitter.Create(new StratifiedKFoldOptions { NSplits = 5 }).Split(credit.RowCount, labels);
        var total = 0.0;
        foreach (var fold in folds)
        {
            var train = credit.Take(fold.Train.Span);
            var test = credit.Take(fold.Test.Span);
            var model = new Model([new OneHotStep(CreditText), new StandardScaleStep(CreditNumeric)], learner);
            model.Fit(train, train["default"]);
            var actual = Array.ConvertAll(test.Get<Int64Column>("default").Values.ToArray(), v => (double)v);
            total += MetricCatalog.Get("roc_auc").Score(actual, model.PredictProbability(test));
        }

        return total / folds.Count;
    }
}

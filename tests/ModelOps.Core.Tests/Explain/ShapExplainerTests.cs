using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Explain;

public sealed class ShapExplainerTests
{
    private static readonly string[] CreditText = ["checking_status", "credit_history", "purpose", "savings_status", "employment", "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job", "own_telephone", "foreign_worker"];
    private static readonly string[] CreditNumeric = ["duration", "credit_amount", "installment_commitment", "residence_since", "age", "existing_credits", "num_dependents"];
    private static readonly string[] SmallBike = ["hr", "temp", "hum", "workingday", "yr", "weathersit", "season", "windspeed"];

    public static TheoryData<string> Learners => [.. LearnerCatalog.Kinds.Where(k => k != "XGBoostImported")];

    [Theory]
    [MemberData(nameof(Learners))]
    public void Explain_EveryRowOfBothDataSets_BaseValuePlusShapEqualsRawOutput(string kind)
    {
        var learner = Modest(LearnerCatalog.Create(kind));
        var classification = learner.Task == ModelTask.BinaryClassification;
        var data = classification ? ShippedData.Credit : ShippedData.Bike;
        FeatureStep[] steps = classification
            ? [new OneHotStep(CreditText), new StandardScaleStep(CreditNumeric)]
            : [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)];
        var model = new Model(steps, learner);
        model.Fit(data, data[classification ? "default" : "cnt"]);

        var shap = ShapExplainer.Explain(model, data);
        var raw = model.PredictRaw(data);

        Assert.Equal(data.RowCount, shap.Rows);
        ShapAssert.AddsUpToRawOutput(shap, raw, 1e-6);
    }

    [Theory]
    [InlineData("DecisionTreeRegressor")]
    [InlineData("RandomForestRegressor")]
    [InlineData("GradientBoostingRegressor")]
    [InlineData("GradientBoostingClassifier")]
    public void Explain_SmallTrees_EqualsBruteForceShapleyValues(string kind)
    {
        var learner = Modest(LearnerCatalog.Create(kind));
        var bike = ShippedData.Bike.Head(4000);
        Column target = learner.Task == ModelTask.Regression
            ? bike["cnt"]
            : new Int64Column("busy", Array.ConvertAll(bike.Get<Int64Column>("cnt").Values.ToArray(), c => c > 150 ? 1L : 0L));
        var model = new Model([new PassthroughStep(SmallBike)], learner);
        model.Fit(bike, target);
        var rows = bike.Take([0, 7, 100, 555, 1234, 2000, 3999]);

        var shap = ShapExplainer.Explain(model, rows, ShapLevel.Feature);

        var ensemble = (TreeEnsemble)model.Predictor!;
        var features = model.Pipeline!.Transform(rows);
        for (var r = 0; r < features.Rows; r++)
        {
            var expected = BruteForce.Shapley(ensemble, features.Row(r).ToArray());
            for (var j = 0; j < expected.Length; j++)
            {
                Assert.True(Math.Abs(expected[j] - shap.Row(r)[j]) <= 1e-9 * Math.Max(1, Math.Abs(expected[j])), $"row {r} feature {SmallBike[j]}: brute force {expected[j]}, TreeSHAP {shap.Row(r)[j]}");
            }
        }
    }

    [Theory]
    [InlineData("RandomForestClassifier")]
    [InlineData("GradientBoostingRegressor")]
    [InlineData("DecisionTreeRegressor")]
    public void Explain_PrecomputedTablesAndAlgorithmTwo_Agree(string kind)
    {
        var learner = LearnerCatalog.Create(kind) switch
        {
            RandomForestOptions forest => forest with { NEstimators = 5, MaxDepth = 14 },
            TreeLearnerOptions tree => tree with { MaxDepth = 16 },
            var other => other,
        };
        var classification = learner.Task == ModelTask.BinaryClassification;
        var data = classification ? ShippedData.Credit : ShippedData.Bike.Head(5000);
        FeatureStep[] steps = classification
            ? [new OneHotStep(CreditText), new StandardScaleStep(CreditNumeric)]
            : [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)];
        var model = new Model(steps, learner);
        model.Fit(data, data[classification ? "default" : "cnt"]);
        var features = model.Pipeline!.Transform(data.Head(300));

        var fast = ShapExplainer.Explain(model.Predictor!, features);
        var exact = ShapExplainer.Explain(model.Predictor!, features, TreeShapMethod.AlgorithmTwo);

        Assert.Equal(exact.BaseValue, fast.BaseValue);
        for (var i = 0; i < exact.Values.Length; i++)
        {
            Assert.True(Math.Abs(exact.Values[i] - fast.Values[i]) <= 1e-9 * Math.Max(1, Math.Abs(exact.Values[i])), $"value {i}: Algorithm 2 {exact.Values[i]}, tables {fast.Values[i]}");
        }
    }

    [Fact]
    public void Explain_MissingValues_FollowDefaultDirections()
    {
        var bike = ShippedData.Bike.Head(3000);
        var hum = bike.Get<Float64Column>("hum").ToNullableArray();
        for (var i = 0; i < hum.Length; i += 7)
        {
            hum[i] = null;
        }

        var withNulls = bike.WithColumn(new Float64Column("hum", hum));
        var model = new Model([new PassthroughStep(SmallBike)], new GradientBoostingRegressorOptions { MaxIter = 5, MaxDepth = 4 });
        model.Fit(withNulls, withNulls["cnt"]);
        var rows = withNulls.Take([0, 7, 14, 15]);

        var shap = ShapExplainer.Explain(model, rows, ShapLevel.Feature);
        var features = model.Pipeline!.Transform(rows);

        for (var r = 0; r < rows.RowCount; r++)
        {
            var expected = BruteForce.Shapley((TreeEnsemble)model.Predictor!, features.Row(r).ToArray());
            Assert.Equal(expected, shap.Row(r).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a)));
        }
    }

    [Fact]
    public void Explain_InputLevel_SumsOneHotParts()
    {
        var bike = ShippedData.Bike.Head(5000);
        var model = new Model([new OneHotStep(["season"]), new PassthroughStep(["hr", "temp"])], new GradientBoostingRegressorOptions { MaxIter = 10 });
        model.Fit(bike, bike["cnt"]);
        var rows = bike.Take([0, 1000, 2000, 3000, 4999]);

        var byFeature = ShapExplainer.Explain(model, rows, ShapLevel.Feature);
        var byInput = ShapExplainer.Explain(model, rows);

        Assert.Equal(["season_1", "season_2", "season_3", "hr", "temp"], byFeature.Names);
        Assert.Equal(["season", "hr", "temp"], byInput.Names);
        for (var r = 0; r < 5; r++)
        {
            Assert.Equal(byFeature.Row(r)[0] + byFeature.Row(r)[1] + byFeature.Row(r)[2], byInput[r, "season"], 12);
            Assert.Equal(byFeature[r, "hr"], byInput[r, "hr"]);
        }

        Assert.Equal(byFeature.BaseValue, byInput.BaseValue);
    }

    [Fact]
    public void Explain_Linear_IsCoefficientTimesDistanceFromMean()
    {
        var bike = ShippedData.Bike.Head(1000);
        var model = new Model([new PassthroughStep(["hr", "temp"])], LearnerCatalog.Create("Ridge"));
        model.Fit(bike, bike["cnt"]);
        var linear = (Core.Learners.Linear.LinearPredictor)model.Predictor!;
        var row = bike.Take([10]);

        var shap = ShapExplainer.Explain(model, row);

        var hr = bike.Get<Int64Column>("hr")[10];
        Assert.Equal(linear.Coefficients[0] * (hr - linear.FeatureMeans[0]), shap[0, "hr"], 12);
    }

    [Fact]
    public void Explain_Unfitted_Throws()
    {
        var model = new Model([new PassthroughStep(["hr"])], new DecisionTreeRegressorOptions());

        var error = Assert.Throws<InvalidOperationException>(() => ShapExplainer.Explain(model, ShippedData.Bike.Head(1)));

        Assert.Equal("The DecisionTreeRegressor model is not fitted; call Fit first.", error.Message);
    }

    private static LearnerOptions Modest(LearnerOptions learner) => learner switch
    {
        RandomForestOptions forest => forest with { NEstimators = 10, MaxDepth = 6 },
        TreeLearnerOptions tree => tree with { MaxDepth = 6 },
        GradientBoostingOptions boosting => boosting with { MaxIter = 20, MaxLeafNodes = 15 },
        _ => learner,
    };
}

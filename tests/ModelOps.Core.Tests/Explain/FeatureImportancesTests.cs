using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Explain;

public sealed class FeatureImportancesTests
{
    [Fact]
    public void Compute_Trees_GivesShapGainAndSplitShares()
    {
        var bike = ShippedData.Bike.Head(5000);
        var model = new Model([new OneHotStep(["season"]), new PassthroughStep(["hr", "temp", "holiday"])], new GradientBoostingRegressorOptions { MaxIter = 30 });
        model.Fit(bike, bike["cnt"]);

        var table = FeatureImportances.Compute(model, bike.Head(500));

        Assert.Equal(["mean_abs_shap", "gain", "split_count"], table.Select(t => t.Kind).Distinct());
        Assert.All(table.GroupBy(t => t.Kind), group =>
        {
            Assert.Equal(["holiday", "hr", "season", "temp"], group.Select(t => t.Feature).Order(StringComparer.Ordinal));
            Assert.Equal(group.Select(t => t.Importance).OrderDescending(), group.Select(t => t.Importance));
        });
        Assert.Equal(1.0, table.Where(t => t.Kind == "gain").Sum(t => t.Importance), 12);
        Assert.Equal(1.0, table.Where(t => t.Kind == "split_count").Sum(t => t.Importance), 12);
        var shap = ShapExplainer.Explain(model, bike.Head(500));
        Assert.Equal(Enumerable.Range(0, 500).Average(r => Math.Abs(shap[r, "temp"])), table.Single(t => t.Kind == "mean_abs_shap" && t.Feature == "temp").Importance, 12);
    }

    [Fact]
    public void Compute_Linear_GivesAbsoluteCoefficientsSummedOverOneHotParts()
    {
        var bike = ShippedData.Bike.Head(3000);
        var model = new Model([new OneHotStep(["season"]), new StandardScaleStep(["temp"])], LearnerCatalog.Create("Ridge"));
        model.Fit(bike, bike["cnt"]);
        var linear = (Core.Learners.Linear.LinearPredictor)model.Predictor!;

        var table = FeatureImportances.Compute(model, bike.Head(100));

        var seasonParts = Enumerable.Range(0, model.FeatureNames.Count - 1).Sum(j => Math.Abs(linear.Coefficients[j]));
        Assert.Equal(seasonParts, table.Single(t => t.Kind == "coefficient" && t.Feature == "season").Importance, 12);
        Assert.DoesNotContain(table, t => t.Kind == "gain");
    }
}

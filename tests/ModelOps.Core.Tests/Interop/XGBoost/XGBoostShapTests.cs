using System.Text.Json;
using ModelOps.Core.Explain;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Interop.XGBoost;

/// <summary>TreeSHAP of imported XGBoost models against XGBoost's own pred_contribs (tests/fixtures/xgboost/).</summary>
public sealed class XGBoostShapTests
{
    private static readonly JsonElement Expected = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "xgboost", "expected.json"))).RootElement.GetProperty("models");

    [Theory]
    [InlineData("bike_reg")]
    [InlineData("credit_logistic")]
    [InlineData("pruned_reg")]
    [InlineData("pruned_logistic")]
    [InlineData("early_stopped")]
    public void Explain_ImportedModel_EqualsXGBoostContributions(string name)
    {
        var fixture = Expected.GetProperty(name);
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", "xgboost", fixture.GetProperty("file").GetString()!));
        var model = XGBoostModelReader.Read(file, name);
        var rows = fixture.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray()).ToArray();
        var p = rows[0].Length;
        var features = new FeatureMatrix([.. rows.SelectMany(r => r)], rows.Length, model.FeatureNames);

        var shap = ShapExplainer.Explain(model.Predictor!, features);

        var contributions = fixture.GetProperty("contributions").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (var r = 0; r < rows.Length; r++)
        {
            // XGBoost computes TreeSHAP in float32 (about 7 significant digits of the values it adds up),
            // ModelOps in float64: compare to 1e-5 relative to the row's total attribution (at least 1).
            var scale = Math.Max(1, contributions[r].Sum(Math.Abs));
            for (var j = 0; j < p; j++)
            {
                Assert.True(Math.Abs(shap.Row(r)[j] - contributions[r][j]) <= 1e-5 * scale, $"row {r} feature {j}: ModelOps {shap.Row(r)[j]}, XGBoost {contributions[r][j]}");
            }

            Assert.True(Math.Abs(shap.BaseValue - contributions[r][p]) <= 1e-5 * scale, $"row {r} bias: ModelOps {shap.BaseValue}, XGBoost {contributions[r][p]}");
        }
    }

    [Theory]
    [InlineData("pruned_reg")]
    [InlineData("pruned_logistic")]
    public void Explain_PrunedTrees_EveryMethodIsExactAndLocallyAccurate(string name)
    {
        // Issue 16 item 9: with XGBoost's deleted nodes left in, Linear TreeSHAP threw
        // IndexOutOfRangeException and the expected value counted the deleted leaves.
        var reference = XGBoostReference.Get(name);
        using var file = File.OpenRead(XGBoostReference.PathOf(reference.File));
        var model = XGBoostModelReader.Read(file, name);
        var features = model.Pipeline!.Transform(reference.Frame());
        var margins = model.PredictRaw(reference.Frame());

        var reference2 = ShapExplainer.Explain(model.Predictor!, features, TreeShapMethod.AlgorithmTwo);
        foreach (var method in (TreeShapMethod[])[TreeShapMethod.Linear, TreeShapMethod.Tables, TreeShapMethod.Auto])
        {
            var shap = ShapExplainer.Explain(model.Predictor!, features, method);
            Assert.Equal(reference2.BaseValue, shap.BaseValue, 12);
            for (var r = 0; r < features.Rows; r++)
            {
                for (var j = 0; j < features.Columns; j++)
                {
                    Assert.True(Math.Abs(reference2.Row(r)[j] - shap.Row(r)[j]) <= 1e-9, $"{method} row {r} feature {j}: {shap.Row(r)[j]} vs {reference2.Row(r)[j]}");
                }
            }
        }

        // Local accuracy: the values and the base value add up to the margin, which XGBoost (and the
        // import) sums in float32; the float64 sum of the same float32 leaf values differs from it
        // by the float32 rounding of that sum, at most a float32 step of its largest partial sum per tree.
        var trees = ((TreeEnsemble)model.Predictor!).Trees.Count;
        for (var r = 0; r < features.Rows; r++)
        {
            var total = reference2.BaseValue + reference2.Row(r).ToArray().Sum();
            var bound = trees * Math.ScaleB(Math.Max(Math.Abs(margins[r]), Math.Abs(reference2.BaseValue)) + reference2.Row(r).ToArray().Sum(Math.Abs), -24);
            Assert.True(Math.Abs(total - margins[r]) <= bound, $"row {r}: values sum to {total:R}, margin {margins[r]:R}, bound {bound:R}");
        }
    }
}

using System.Text.Json;
using ModelOps.Core.Explain;
using ModelOps.Core.Interop.XGBoost;
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
}

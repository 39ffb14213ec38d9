using System.Text.Json;
using ModelOps.Core.Data;

namespace ModelOps.Core.Tests.Interop.XGBoost;

/// <summary>
/// One model of tests/fixtures/xgboost/expected.json (written by generate_xgboost.py with XGBoost
/// 1.7.4): the model file, the input rows (null = missing) and XGBoost's outputs for them. For the
/// early-stopped model, <see cref="Predictions"/>, <see cref="Margins"/> and <see cref="Contributions"/>
/// use the trees up to <see cref="BestIteration"/>, <see cref="PredictionsAll"/> and <see cref="MarginsAll"/> all <see cref="Trees"/>.
/// </summary>
public sealed record XGBoostReference(
    string File,
    string Objective,
    string[] FeatureNames,
    double?[][] Rows,
    double[] Predictions,
    double[] Margins,
    double[][] Contributions,
    int? BestIteration = null,
    int? Trees = null,
    double[]? PredictionsAll = null,
    double[]? MarginsAll = null)
{
    private static readonly Lazy<Dictionary<string, XGBoostReference>> All = new(Load);

    public static XGBoostReference Get(string name) => All.Value[name];

    public static string PathOf(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "xgboost", file);

    /// <summary>The rows as a frame of float64 columns named <paramref name="names"/> (default: the model's feature names).</summary>
    public Frame Frame(IReadOnlyList<string>? names = null)
    {
        names ??= FeatureNames;
        var columns = new Column[names.Count];
        for (var j = 0; j < columns.Length; j++)
        {
            var values = new double?[Rows.Length];
            for (var r = 0; r < Rows.Length; r++)
            {
                values[r] = Rows[r][j];
            }

            columns[j] = new Float64Column(names[j], values);
        }

        return new Frame(columns);
    }

    private static Dictionary<string, XGBoostReference> Load()
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(PathOf("expected.json")));
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var result = new Dictionary<string, XGBoostReference>(StringComparer.Ordinal);
        foreach (var model in document.RootElement.GetProperty("models").EnumerateObject())
        {
            result[model.Name] = model.Value.Deserialize<XGBoostReference>(options)!;
        }

        return result;
    }
}

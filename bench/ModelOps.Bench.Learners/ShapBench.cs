using System.Diagnostics;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;

namespace ModelOps.Bench.Learners;

/// <summary>The ModelOps side of bench/shap.sh: TreeSHAP on the XGBoost model that shap_reference.py trained.</summary>
internal static class ShapBench
{
    public static void Run(string root)
    {
        var output = Path.Combine(root, "bench", "out");
        using var file = File.OpenRead(Path.Combine(output, "shap_model.json"));
        var model = XGBoostModelReader.Read(file, "shap_model.json");
        var names = model.Inputs.Select(i => i.Name).ToArray();
        var types = names.ToDictionary(n => n, _ => ColumnType.Float64);
        var rows = Dataset.ReadCsv(Path.Combine(output, "shap_rows.csv"), new CsvReadOptions { ColumnTypes = types });
        var features = model.Pipeline!.Transform(rows);
        var predictor = model.Predictor!;

        var check = JsonSerializer.Deserialize<double[][]>(File.ReadAllText(Path.Combine(output, "shap_check.json")))!;
        var first = ShapExplainer.Explain(predictor, features.TakeRows([.. Enumerable.Range(0, check.Length)]));
        var worst = 0.0;
        for (var r = 0; r < check.Length; r++)
        {
            for (var j = 0; j < names.Length; j++)
            {
                worst = Math.Max(worst, Math.Abs(first.Row(r)[j] - check[r][j]));
            }

            worst = Math.Max(worst, Math.Abs(first.BaseValue - check[r][names.Length]));
        }

        Emit("ModelOps TreeSHAP", "max_abs_difference", worst);
        foreach (var threads in new[] { 1, 2 })
        {
            ShapExplainer.Explain(predictor, features, threads);
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                ShapExplainer.Explain(predictor, features, threads);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            Emit($"ModelOps TreeSHAP, {threads} thread{(threads > 1 ? "s" : string.Empty)}", "rows_per_second", features.Rows / best);
        }
    }

    private static void Emit(string name, string metric, double value) =>
        Console.WriteLine(JsonSerializer.Serialize(new { name, metric, value }));
}

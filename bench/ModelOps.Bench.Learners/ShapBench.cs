using System.Diagnostics;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;

namespace ModelOps.Bench.Learners;

/// <summary>
/// The ModelOps side of bench/shap.sh: TreeSHAP on the XGBoost model that shap_reference.py trained
/// (one-shot and prepared, 1 and 2 threads, single-row latency), then the serving case: the bike
/// model of configs/bike/training.yaml explained by a prepared explainer, one row and 1,000 rows.
/// </summary>
internal static class ShapBench
{
    /// <summary>Runs both parts, or only the bike part when the environment has SHAP_BENCH=bike.</summary>
    public static void Run(string root)
    {
        if (Environment.GetEnvironmentVariable("SHAP_BENCH") != "bike")
        {
            XGBoostModel(root);
        }

        BikeModel(root);
    }

    private static void XGBoostModel(string root)
    {
        var output = Path.Combine(root, "bench", "out");
        using var file = File.OpenRead(Path.Combine(output, "shap_model.json"));
        var model = XGBoostModelReader.Read(file, "shap_model.json");
        var names = model.Inputs.Select(i => i.Name).ToArray();
        var types = names.ToDictionary(n => n, _ => ColumnType.Float64);
        var rows = Dataset.ReadCsv(Path.Combine(output, "shap_rows.csv"), new CsvReadOptions { ColumnTypes = types });
        var features = model.Pipeline!.Transform(rows);
        var predictor = model.Predictor!;

        var clock = Stopwatch.StartNew();
        var prepared = ShapExplainer.Prepare(predictor);
        Emit("xgboost prepare", "seconds", clock.Elapsed.TotalSeconds);
        var check = JsonSerializer.Deserialize<double[][]>(File.ReadAllText(Path.Combine(output, "shap_check.json")))!;
        var first = prepared.Explain(features.TakeRows([.. Enumerable.Range(0, check.Length)]));
        var worst = 0.0;
        for (var r = 0; r < check.Length; r++)
        {
            for (var j = 0; j < names.Length; j++)
            {
                worst = Math.Max(worst, Math.Abs(first.Row(r)[j] - check[r][j]));
            }

            worst = Math.Max(worst, Math.Abs(first.BaseValue - check[r][names.Length]));
        }

        Emit("xgboost", "max_abs_difference", worst);
        foreach (var threads in new[] { 1, 2 })
        {
            var suffix = $"{threads} thread{(threads > 1 ? "s" : string.Empty)}";
            Emit($"xgboost one-shot, {suffix}", "rows_per_second", features.Rows / Best(() => ShapExplainer.Explain(predictor, features, threads)));
            Emit($"xgboost prepared, {suffix}", "rows_per_second", features.Rows / Best(() => prepared.Explain(features, threads)));
        }

        SingleRows("xgboost", prepared, features);
    }

    private static void BikeModel(string root)
    {
        // configs/bike/training.yaml: the same steps and parameters, the first 80% of the hours.
        var bike = Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv"));
        var train = bike.Head((int)(bike.RowCount * 0.8));
        var model = new Model(
            [new OneHotStep(["season", "weathersit"]), new PassthroughStep(["yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed"])],
            new GradientBoostingRegressorOptions { MaxIter = 300, LearningRate = 0.1, MaxLeafNodes = 31 });
        model.Fit(train, train["cnt"]);
        var rows = bike.Take([.. Enumerable.Range(train.RowCount, 1000)]);
        var features = model.Pipeline!.Transform(rows);

        var one = rows.Head(1);
        var clock = Stopwatch.StartNew();
        ShapExplainer.Explain(model, one);
        Emit("bike one-shot, 1 row", "seconds", clock.Elapsed.TotalSeconds);
        Emit("bike one-shot, 1,000 rows", "rows_per_second", rows.RowCount / Best(() => ShapExplainer.Explain(model, rows)));

        foreach (var (label, budget) in new[] { ("linear", 0L), ("auto", ShapExplainer.DefaultTableBudgetBytes) })
        {
            clock.Restart();
            var prepared = ShapExplainer.Prepare(model, ShapLevel.Input, budget);
            Emit($"bike prepared {label}", "prepare_seconds", clock.Elapsed.TotalSeconds);
            Emit($"bike prepared {label}", "table_megabytes", prepared.TableBytes / 1048576.0);
            foreach (var threads in new[] { 1, 2 })
            {
                Emit($"bike prepared {label}, 1,000 rows, {threads} thread{(threads > 1 ? "s" : string.Empty)}", "rows_per_second", features.Rows / Best(() => prepared.Explain(features, threads)));
            }

            SingleRows($"bike prepared {label}", prepared, features);
            ServerBatches($"bike prepared {label}", prepared, features);
            var frames = Enumerable.Range(0, 200).Select(i => rows.Take([i])).ToArray();
            Emit($"bike prepared {label}, 1-row frame (pipeline + SHAP)", "microseconds", 1e6 * Best(() =>
            {
                foreach (var frame in frames)
                {
                    prepared.Explain(frame);
                }
            }) / frames.Length);
        }
    }

    /// <summary>
    /// Batches of 8 one-row requests as the hub's SHAP batcher explains them, each right after 4 MB of
    /// other memory traffic (the server's parsing, logging and networking push the model's factors out
    /// of the core's caches between batches) and then again with the caches warm: microseconds per row.
    /// </summary>
    private static void ServerBatches(string name, PreparedShapExplainer prepared, FeatureMatrix features)
    {
        const int batchRows = 8;
        var traffic = new byte[4 << 20];
        var batches = Enumerable.Range(0, features.Rows / batchRows)
            .Select(b => new[] { features.TakeRows([.. Enumerable.Range(b * batchRows, batchRows)]) })
            .ToArray();
        double afterTraffic = double.MaxValue, warm = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            double cold = 0, hot = 0;
            foreach (var batch in batches)
            {
                for (var i = 0; i < traffic.Length; i += 64)
                {
                    traffic[i]++;
                }

                var start = Stopwatch.GetTimestamp();
                prepared.Explain(batch);
                cold += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                start = Stopwatch.GetTimestamp();
                prepared.Explain(batch);
                hot += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            afterTraffic = Math.Min(afterTraffic, cold / (batches.Length * batchRows));
            warm = Math.Min(warm, hot / (batches.Length * batchRows));
        }

        Emit($"{name}, 8-row batches after 4 MB of other traffic", "microseconds_per_row", afterTraffic);
        Emit($"{name}, 8-row batches, warm", "microseconds_per_row", warm);
    }

    /// <summary>One row at a time through the allocation-free span overload: mean, p50 and p99 latency.</summary>
    private static void SingleRows(string name, PreparedShapExplainer prepared, FeatureMatrix features)
    {
        var values = new double[prepared.Names.Count];
        var count = Math.Min(features.Rows, 2000);
        for (var r = 0; r < count; r++)
        {
            prepared.Explain(features.Row(r), values);
        }

        var latencies = new double[count * 3];
        for (var pass = 0; pass < 3; pass++)
        {
            for (var r = 0; r < count; r++)
            {
                var start = Stopwatch.GetTimestamp();
                prepared.Explain(features.Row(r), values);
                latencies[(pass * count) + r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        Array.Sort(latencies);
        Emit($"{name}, 1 row", "mean_microseconds", latencies.Average());
        Emit($"{name}, 1 row", "p50_microseconds", latencies[latencies.Length / 2]);
        Emit($"{name}, 1 row", "p99_microseconds", latencies[(int)(latencies.Length * 0.99)]);
    }

    /// <summary>The best of 3 timed runs (SHAP_REPEATS in the environment sets another count) after a warm-up, in seconds.</summary>
    internal static double Best(Action run)
    {
        run();
        var best = double.MaxValue;
        var repeats = int.TryParse(Environment.GetEnvironmentVariable("SHAP_REPEATS"), out var n) && n > 0 ? n : 3;
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static void Emit(string name, string metric, double value) =>
        Console.WriteLine(JsonSerializer.Serialize(new { name, metric, value }));
}

using System.Diagnostics;
using System.Text.Json;
using ModelOps.Bench.Learners.Anchors;
using ModelOps.Bench.Learners.Interop;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;

namespace ModelOps.Bench.Learners;

/// <summary>
/// The .NET side of bench/shap.sh. <c>shap-setup</c>: trains the LightGBM model of the benchmark on the
/// rows shap_reference.py wrote and checks the values (ModelOps against XGBoost and LightGBM on the same
/// trees, and each tool's local accuracy). <c>shap-round</c>: one round of the alternating timings, ModelOps
/// TreeSHAP (one-shot and prepared) on the XGBoost and the LightGBM model next to LightGBM's own
/// <c>pred_contrib</c> (XGBoost's <c>pred_contribs</c> runs in shap_reference.py's process). <c>shap</c>:
/// the serving case, the bike model of configs/bike/training.yaml explained by a prepared explainer.
/// </summary>
internal static class ShapBench
{
    /// <summary>The LightGBM model of the benchmark, trained by <see cref="Setup"/>.</summary>
    private const string LightGbmModelFile = "shap_lightgbm.txt";

    /// <summary>The rows each case explains twice before any timing, so that no timed call includes compilation or a library's loading.</summary>
    private const int WarmUpRows = 2000;

    /// <summary>
    /// Trains LightGBM on the benchmark rows (label cnt) with settings close to the XGBoost model's: 300
    /// trees of depth at most 6 (at most 64 leaves, grown leaf-wise), learning rate 0.1, L2 1, at least 1 of
    /// hessian a leaf, 2 threads; saves it as bench/out/shap_lightgbm.txt. Then the checks, one JSON line each.
    /// </summary>
    public static unsafe void Setup(string root)
    {
        var output = Path.Combine(root, "bench", "out");
        var (xgboost, features) = ReadXGBoostModel(root);
        var labels = BenchData.Labels(Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv")), "cnt");
        if (labels.Length != features.Rows)
        {
            throw new InvalidDataException($"{features.Rows} rows to explain but {labels.Length} labels in hour.csv");
        }

        const string parameters = "objective=regression max_depth=6 num_leaves=64 learning_rate=0.1 lambda_l2=1 min_data_in_leaf=1 min_sum_hessian_in_leaf=1 max_bin=255 num_threads=2 verbose=-1 seed=0 deterministic=true";
        DatasetHandle dataset;
        fixed (double* x = features.Values)
        {
            LightGbmNative.Check(LightGbmNative.DatasetCreateFromMat(x, LightGbmNative.Float64, features.Rows, features.Columns, 1, parameters, 0, out dataset), "LGBM_DatasetCreateFromMat");
        }

        using (dataset)
        {
            var y = Array.ConvertAll(labels, v => (float)v);
            fixed (float* p = y)
            {
                LightGbmNative.Check(LightGbmNative.DatasetSetField(dataset, "label", p, y.Length, LightGbmNative.Float32), "LGBM_DatasetSetField");
            }

            LightGbmNative.Check(LightGbmNative.BoosterCreate(dataset, parameters, out var trained), "LGBM_BoosterCreate");
            using (trained)
            {
                for (var i = 0; i < 300; i++)
                {
                    LightGbmNative.Check(LightGbmNative.BoosterUpdateOneIter(trained, out _), "LGBM_BoosterUpdateOneIter");
                }

                LightGbmNative.Check(LightGbmNative.BoosterSaveModel(trained, 0, -1, LightGbmNative.FeatureImportanceSplit, Path.Combine(output, LightGbmModelFile)), "LGBM_BoosterSaveModel");
            }
        }

        // ModelOps on XGBoost's trees against XGBoost's contributions of the first 200 rows.
        var check = JsonSerializer.Deserialize<double[][]>(File.ReadAllText(Path.Combine(output, "shap_check.json")))!;
        var first = ShapExplainer.Prepare(xgboost).Explain(features.TakeRows([.. Enumerable.Range(0, check.Length)]));
        var worst = 0.0;
        for (var r = 0; r < check.Length; r++)
        {
            for (var j = 0; j < features.Columns; j++)
            {
                worst = Math.Max(worst, Math.Abs(first.Row(r)[j] - check[r][j]));
            }

            worst = Math.Max(worst, Math.Abs(first.BaseValue - check[r][features.Columns]));
        }

        Emit("xgboost model: ModelOps against XGBoost pred_contribs, first 200 rows", "max_abs_difference", worst);
        Emit("xgboost model: ModelOps local accuracy", "max_abs_difference", LocalAccuracy(ShapExplainer.Prepare(xgboost).Explain(features), xgboost, features));

        // ModelOps on LightGBM's trees (read from its model file) against LightGBM's contributions of every row.
        var lightGbm = LightGbmModelText.Read(Path.Combine(output, LightGbmModelFile));
        using var booster = LoadLightGbm(output);
        var theirs = LightGbmContributions(booster, features, 2);
        var ours = ShapExplainer.Prepare(lightGbm).Explain(features);
        var theirPredictions = LightGbmPredictions(booster, features);
        double valueDifference = 0, baseDifference = 0, predictionDifference = 0, theirAccuracy = 0;
        var width = features.Columns + 1;
        for (var r = 0; r < features.Rows; r++)
        {
            var sum = 0.0;
            for (var j = 0; j < features.Columns; j++)
            {
                valueDifference = Math.Max(valueDifference, Math.Abs(ours.Row(r)[j] - theirs[(r * width) + j]));
                sum += theirs[(r * width) + j];
            }

            baseDifference = Math.Max(baseDifference, Math.Abs(ours.BaseValue - theirs[(r * width) + features.Columns]));
            theirAccuracy = Math.Max(theirAccuracy, Math.Abs(sum + theirs[(r * width) + features.Columns] - theirPredictions[r]));
            predictionDifference = Math.Max(predictionDifference, Math.Abs(lightGbm.PredictRaw(features.Row(r)) - theirPredictions[r]));
        }

        Emit("lightgbm model: trees", "count", lightGbm.Trees.Count);
        Emit("lightgbm model: leaves per tree", "mean", lightGbm.Trees.Average(t => t.LeafCount));
        Emit("lightgbm model: ModelOps predictions against LightGBM's, all rows", "max_abs_difference", predictionDifference);
        Emit("lightgbm model: ModelOps against LightGBM pred_contrib, all rows", "max_abs_difference", valueDifference);
        Emit("lightgbm model: ModelOps base value against LightGBM's expected value", "max_abs_difference", baseDifference);
        Emit("lightgbm model: ModelOps local accuracy", "max_abs_difference", LocalAccuracy(ours, lightGbm, features));
        Emit("lightgbm model: LightGBM local accuracy", "max_abs_difference", theirAccuracy);
    }

    /// <summary>
    /// One round of the alternating SHAP timings with <paramref name="threads"/> threads (bench/shap.sh runs
    /// 3 or more, and XGBoost's side in its own process between them). First every case runs twice on
    /// 2,000 rows and the process pauses a second, so that the runtime has compiled the kernels fully
    /// (its tiered compiler promotes hot methods on a background thread, which on one core takes time
    /// from the timed calls: with a 500-row warm-up of each case just before it, the first cases of a
    /// process ran up to 1.7x slower than the same calls later in it). Then each case is timed once on
    /// all rows after a full collection, the order of the cases turning by one each round.
    /// ModelOps prepared: <c>ShapExplainer.Prepare</c> timed (the preparation), then one <c>Explain</c>;
    /// one-shot: <c>ShapExplainer.Explain(predictor, features)</c>, which prepares inside the call;
    /// LightGBM: one LGBM_BoosterPredictForMat with C_API_PREDICT_CONTRIB (no separate preparation: what
    /// it sets up, it sets up inside each call).
    /// </summary>
    public static void Round(string root, int threads, int round)
    {
        var output = Path.Combine(root, "bench", "out");
        var (xgboost, features) = ReadXGBoostModel(root);
        var lightGbm = LightGbmModelText.Read(Path.Combine(output, LightGbmModelFile));
        using var booster = LoadLightGbm(output);
        var warmRows = features.TakeRows([.. Enumerable.Range(0, WarmUpRows)]);

        void Emit(string model, string tool, string call, string metric, double value) => Console.WriteLine(JsonSerializer.Serialize(new { model, tool, call, threads, round, metric, value }));

        void Prepared(string model, Predictor predictor)
        {
            Collect();
            var clock = Stopwatch.StartNew();
            var prepared = ShapExplainer.Prepare(predictor);
            Emit(model, "ModelOps", "prepared", "prepare_seconds", clock.Elapsed.TotalSeconds);
            Emit(model, "ModelOps", "prepared", "table_megabytes", prepared.TableBytes / 1048576.0);
            clock.Restart();
            prepared.Explain(features, threads);
            Emit(model, "ModelOps", "prepared", "explain_seconds", clock.Elapsed.TotalSeconds);
        }

        void OneShot(string model, Predictor predictor)
        {
            Collect();
            var clock = Stopwatch.StartNew();
            ShapExplainer.Explain(predictor, features, threads);
            Emit(model, "ModelOps", "one-shot", "explain_seconds", clock.Elapsed.TotalSeconds);
        }

        void Contrib()
        {
            Collect();
            var clock = Stopwatch.StartNew();
            LightGbmContributions(booster, features, threads);
            Emit("lightgbm", "LightGBM", "pred_contrib", "explain_seconds", clock.Elapsed.TotalSeconds);
        }

        (Action WarmUp, Action Timed)[] cases =
        [
            (() => ShapExplainer.Prepare(xgboost).Explain(warmRows, threads), () => Prepared("xgboost", xgboost)),
            (() => ShapExplainer.Explain(xgboost, warmRows, threads), () => OneShot("xgboost", xgboost)),
            (() => ShapExplainer.Prepare(lightGbm).Explain(warmRows, threads), () => Prepared("lightgbm", lightGbm)),
            (() => ShapExplainer.Explain(lightGbm, warmRows, threads), () => OneShot("lightgbm", lightGbm)),
            (() => LightGbmContributions(booster, warmRows, threads), Contrib),
        ];
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var (warmUp, _) in cases)
            {
                warmUp();
            }
        }

        Thread.Sleep(1000);
        for (var k = 0; k < cases.Length; k++)
        {
            cases[(k + round - 1) % cases.Length].Timed();
        }

        Emit("xgboost", "ModelOps", "rows", "rows", features.Rows);
    }

    /// <summary>The serving case (the bike model of configs/bike/training.yaml), ModelOps only.</summary>
    public static void Run(string root) => BikeModel(root);

    private static (Predictor Predictor, FeatureMatrix Features) ReadXGBoostModel(string root)
    {
        var output = Path.Combine(root, "bench", "out");
        using var file = File.OpenRead(Path.Combine(output, "shap_model.json"));
        var model = XGBoostModelReader.Read(file, "shap_model.json");
        var names = model.Inputs.Select(i => i.Name).ToArray();
        var types = names.ToDictionary(n => n, _ => ColumnType.Float64);
        var rows = Dataset.ReadCsv(Path.Combine(output, "shap_rows.csv"), new CsvReadOptions { ColumnTypes = types });
        return (model.Predictor!, model.Pipeline!.Transform(rows));
    }

    private static BoosterHandle LoadLightGbm(string output)
    {
        LightGbmNative.Check(LightGbmNative.BoosterCreateFromModelfile(Path.Combine(output, LightGbmModelFile), out _, out var booster), "LGBM_BoosterCreateFromModelfile");
        return booster;
    }

    /// <summary>LightGBM's SHAP values: per row one contribution per feature, then the expected value.</summary>
    private static unsafe double[] LightGbmContributions(BoosterHandle booster, FeatureMatrix features, int threads) =>
        LightGbmPredict(booster, features, LightGbmNative.PredictContrib, features.Rows * (features.Columns + 1), threads);

    private static double[] LightGbmPredictions(BoosterHandle booster, FeatureMatrix features) =>
        LightGbmPredict(booster, features, LightGbmNative.PredictNormal, features.Rows, 2);

    private static unsafe double[] LightGbmPredict(BoosterHandle booster, FeatureMatrix features, int type, int length, int threads)
    {
        var result = new double[length];
        fixed (double* x = features.Values)
        fixed (double* output = result)
        {
            LightGbmNative.Check(LightGbmNative.BoosterPredictForMat(booster, x, LightGbmNative.Float64, features.Rows, features.Columns, 1, type, 0, -1, $"num_threads={threads}", out _, output), "LGBM_BoosterPredictForMat");
        }

        return result;
    }

    /// <summary>The largest |base value + sum of a row's contributions - the predictor's raw output| over the rows.</summary>
    private static double LocalAccuracy(ShapValues values, Predictor predictor, FeatureMatrix features)
    {
        var worst = 0.0;
        for (var r = 0; r < features.Rows; r++)
        {
            var sum = values.BaseValue;
            foreach (var v in values.Row(r))
            {
                sum += v;
            }

            worst = Math.Max(worst, Math.Abs(sum - predictor.PredictRaw(features.Row(r))));
        }

        return worst;
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
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

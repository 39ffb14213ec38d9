using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ModelOps.Bench.Learners.Interop;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;

namespace ModelOps.Bench.Learners.Diagnosis;

/// <summary>
/// Why ModelOps's boosting and LightGBM's differ in test RMSE on Friedman #1 (issue 25 part 2):
/// both fit the same matrix in this process with the issue's hyper-parameters, with variants that
/// isolate one cause at a time. Usage: <c>gbm-diagnosis [--rows N] [--iterations N] [--threads N]
/// [--grid K] [--dump]</c>. <c>--grid K</c> rounds every feature down to a grid of K values (both tools
/// then put one bin per value, so binning no longer differs); <c>--dump</c> prints the first tree of
/// each tool. Prints one line per tool: test RMSE, fit seconds.
/// </summary>
internal static partial class QualityDiagnosis
{
    internal static void Run(string[] args, Func<int, int, (Frame Frame, string[] Features)> synthetic, Frame bikeTrain, Frame bikeTest, FeatureStep[] bikeSteps)
    {
        if (args.Contains("--bike-speed"))
        {
            // The bench's bike fit (pipeline and learner through Model), timed fit after fit.
            for (var i = 0; i < Option(args, "--repeat", 10); i++)
            {
                var fitClock = Stopwatch.StartNew();
                var bikeModel = new ModelOps.Core.Models.Model(bikeSteps, new GradientBoostingRegressorOptions { MaxIter = 300, LearningRate = 0.1, MaxLeafNodes = 31, MaxBins = 255, MinSamplesLeaf = 20 });
                bikeModel.Fit(bikeTrain, bikeTrain["cnt"]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bike fit {fitClock.Elapsed.TotalSeconds:F3} s"));
            }

            return;
        }

        if (args.Contains("--bike"))
        {
            Bike(args, bikeTrain, bikeTest, bikeSteps);
            return;
        }

        var rows = Option(args, "--rows", 1_000_000);
        var iterations = Option(args, "--iterations", 100);
        var threads = Option(args, "--threads", Environment.ProcessorCount);
        var grid = Option(args, "--grid", 0);
        var dump = args.Contains("--dump");
        var skipLightGbm = args.Contains("--ours-only");
        var testRows = rows / 5;
        var dataSeed = Option(args, "--data-seed", -1);
        var (frame, names) = dataSeed < 0 ? synthetic(rows + testRows, 20) : Friedman(rows + testRows, 20, (ulong)dataSeed);
        var (train, trainY) = Matrix(frame, names, 0, rows, grid);
        var (test, testY) = Matrix(frame, names, rows, rows + testRows, grid);
        Console.WriteLine($"rows {rows}, test {testRows}, iterations {iterations}, threads {threads}, grid {(grid == 0 ? "none" : grid.ToString(CultureInfo.InvariantCulture))}");

        if (args.Contains("--bin-only"))
        {
            // The binning of a fit alone (edges, bins, row-major slots), best of 5.
            var best = double.MaxValue;
            for (var i = 0; i < 5; i++)
            {
                var binClock = Stopwatch.StartNew();
                _ = BinnedFeatures.Create(train, 255, 0);
                best = Math.Min(best, binClock.Elapsed.TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"binning best of 5 {best:F3} s"));
            return;
        }

        if (args.Contains("--edges"))
        {
            var binned = BinnedFeatures.Create(train, 255, 0);
            for (var f = 0; f < 3; f++)
            {
                var counts = binned.BinCounts.AsSpan(binned.Offsets[f], binned.BinCount(f));
                var edges = binned.Thresholds[f];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"x{f}: {counts.Length} bins, rows a bin {Min(counts)}..{Max(counts)}, edges {edges[0]:F5} {edges[1]:F5} {edges[2]:F5} ... {edges[126]:F5} {edges[127]:F5} ... {edges[^2]:F5} {edges[^1]:F5}"));
            }

            return;
        }

        var clock = Stopwatch.StartNew();
        if (args.Contains("--theirs-only"))
        {
            var (only, _, onlyTrain) = FitLightGbm(train, trainY, test, iterations, threads, Option(args, "--seed", 0));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LightGBM  test RMSE {Rmse(only, testY):F5}  train RMSE {Rmse(onlyTrain, trainY):F5}"));
            return;
        }

        var options = new GradientBoostingRegressorOptions { MaxIter = iterations, LearningRate = 0.1, MaxLeafNodes = 31, MaxBins = 255, MinSamplesLeaf = 20, Seed = Option(args, "--seed", 0) };
        var ensemble = GradientBoostingTrainer.Fit(options, train, trainY, classification: false, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        if (args.Contains("--fit-only"))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ModelOps  fit {seconds:F2} s"));
            return;
        }

        var ours = new double[test.Rows];
        for (var i = 0; i < test.Rows; i++)
        {
            ours[i] = ensemble.PredictRaw(test.Row(i));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ModelOps  test RMSE {Rmse(ours, testY):F5}  train RMSE {TrainRmse(ensemble, train, trainY):F5}  fit {seconds:F2} s"));
        if (dump)
        {
            DumpOurs(ensemble.Trees[0], names, ensemble.BaseScore);
        }

        if (skipLightGbm)
        {
            return;
        }

        clock.Restart();
        var (theirs, model, lgbTrain) = FitLightGbm(train, trainY, test, iterations, threads, 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LightGBM  test RMSE {Rmse(theirs, testY):F5}  train RMSE {Rmse(lgbTrain, trainY):F5}  fit+predict {clock.Elapsed.TotalSeconds:F2} s"));
        if (dump)
        {
            var start = model.IndexOf("Tree=0", StringComparison.Ordinal);
            var end = model.IndexOf("Tree=1", StringComparison.Ordinal);
            Console.WriteLine(model[start..(end < 0 ? model.Length : end)]);
        }
    }

    // Friedman #1 as Program.Synthetic makes it, from another SplitMix64 seed.
    private static (Frame Frame, string[] Features) Friedman(int rows, int p, ulong seed)
    {
        var x = new double[p + 1][];
        for (var j = 0; j <= p; j++)
        {
            x[j] = new double[rows];
        }

        var random = new ModelOps.Core.Randomness.SplitMix64(seed);
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j <= p; j++)
            {
                x[j][i] = random.NextDouble();
            }
        }

        var y = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = (10 * Math.Sin(Math.PI * x[0][i] * x[1][i])) + (20 * (x[2][i] - 0.5) * (x[2][i] - 0.5)) + (10 * x[3][i]) + (5 * x[4][i]) + x[p][i];
        }

        var names = new string[p];
        var columns = new List<Column>();
        for (var j = 0; j < p; j++)
        {
            names[j] = $"x{j}";
            columns.Add(new Float64Column(names[j], x[j]));
        }

        columns.Add(new Float64Column("y", y));
        return (new Frame(columns), names);
    }

    private static int Min(ReadOnlySpan<int> values)
    {
        var min = int.MaxValue;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
        }

        return min;
    }

    private static int Max(ReadOnlySpan<int> values)
    {
        var max = int.MinValue;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }

    // The bike data (every feature has at most 255 values, so both tools put one bin per value):
    // ModelOps against LightGBM with min_data_in_bin as given (LightGBM's default 3 merges values seen fewer than 3 times).
    private static void Bike(string[] args, Frame train, Frame test, FeatureStep[] steps)
    {
        var pipeline = FeaturePipeline.Fit(steps, train);
        var x = pipeline.Transform(train);
        var xTest = pipeline.Transform(test);
        var y = Array.ConvertAll(train.Get<Int64Column>("cnt").Values.ToArray(), v => (double)v);
        var yTest = Array.ConvertAll(test.Get<Int64Column>("cnt").Values.ToArray(), v => (double)v);
        var options = new GradientBoostingRegressorOptions { MaxIter = 300, LearningRate = 0.1, MaxLeafNodes = 31, MaxBins = 255, MinSamplesLeaf = 20 };
        var ensemble = GradientBoostingTrainer.Fit(options, x, y, classification: false, CancellationToken.None);
        var ours = new double[xTest.Rows];
        for (var i = 0; i < xTest.Rows; i++)
        {
            ours[i] = ensemble.PredictRaw(xTest.Row(i));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bike ModelOps  test RMSE {Rmse(ours, yTest):F4}"));
        var (theirs, _, _) = FitLightGbm(x, y, xTest, 300, 1, 0, $"min_data_in_bin={Option(args, "--min-data-in-bin", 3)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bike LightGBM  test RMSE {Rmse(theirs, yTest):F4}"));
    }

    private static double TrainRmse(TreeEnsemble ensemble, FeatureMatrix train, double[] y)
    {
        var predictions = new double[train.Rows];
        for (var i = 0; i < train.Rows; i++)
        {
            predictions[i] = ensemble.PredictRaw(train.Row(i));
        }

        return Rmse(predictions, y);
    }

    private static void DumpOurs(Tree tree, string[] names, double baseScore)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ModelOps tree 0 (base score {baseScore:R}):"));
        for (var node = 0; node < tree.NodeCount; node++)
        {
            Console.WriteLine(tree.Features[node] < 0
                ? string.Create(CultureInfo.InvariantCulture, $"  {node}: leaf {tree.Values[node]:R} cover {tree.Covers[node]}")
                : string.Create(CultureInfo.InvariantCulture, $"  {node}: {names[tree.Features[node]]} <= {tree.Thresholds[node]:R} gain {tree.Gains[node]:R} -> {tree.Left[node]}, {tree.Right[node]} cover {tree.Covers[node]}"));
        }
    }

    private static unsafe (double[] Test, string Model, double[] Train) FitLightGbm(FeatureMatrix train, double[] trainY, FeatureMatrix test, int iterations, int threads, int seed, string extra = "")
    {
        var common = string.Create(CultureInfo.InvariantCulture, $"max_bin=255 min_data_in_leaf=20 num_threads={threads} verbose=-1 seed={seed} {extra}");
        var values = train.Values.ToArray();
        DatasetHandle dataset;
        fixed (double* x = values)
        {
            LightGbmNative.Check(LightGbmNative.DatasetCreateFromMat(x, LightGbmNative.Float64, train.Rows, train.Columns, 1, common, 0, out dataset), "LGBM_DatasetCreateFromMat");
        }

        var labels = Array.ConvertAll(trainY, v => (float)v);
        fixed (float* y = labels)
        {
            LightGbmNative.Check(LightGbmNative.DatasetSetField(dataset, "label", y, labels.Length, LightGbmNative.Float32), "LGBM_DatasetSetField");
        }

        var parameters = string.Create(CultureInfo.InvariantCulture, $"objective=regression num_leaves=31 learning_rate=0.1 lambda_l2=0 {common}");
        LightGbmNative.Check(LightGbmNative.BoosterCreate(dataset, parameters, out var booster), "LGBM_BoosterCreate");
        for (var i = 0; i < iterations; i++)
        {
            LightGbmNative.Check(LightGbmNative.BoosterUpdateOneIter(booster, out _), "LGBM_BoosterUpdateOneIter");
        }

        var model = Diagnostics.SaveModel(booster);
        var result = Predict(booster, test, threads);
        var trainPredictions = Predict(booster, train, threads);
        booster.Dispose();
        dataset.Dispose();
        return (result, model, trainPredictions);
    }

    private static unsafe double[] Predict(BoosterHandle booster, FeatureMatrix matrix, int threads)
    {
        var values = matrix.Values.ToArray();
        var result = new double[matrix.Rows];
        fixed (double* x = values)
        fixed (double* output = result)
        {
            LightGbmNative.Check(LightGbmNative.BoosterPredictForMat(booster, x, LightGbmNative.Float64, matrix.Rows, matrix.Columns, 1, LightGbmNative.PredictNormal, 0, -1, $"num_threads={threads}", out _, output), "LGBM_BoosterPredictForMat");
        }

        return result;
    }

    // Rows [from, to) of the frame as a row-major matrix, each feature rounded down to a grid of `grid` values when grid > 0.
    private static (FeatureMatrix Matrix, double[] Y) Matrix(Frame frame, string[] names, int from, int to, int grid)
    {
        var p = names.Length;
        var values = new double[(long)(to - from) * p];
        for (var j = 0; j < p; j++)
        {
            var column = frame.Get<Float64Column>(names[j]).Values;
            for (var i = from; i < to; i++)
            {
                var v = column[i];
                values[((long)(i - from) * p) + j] = grid > 0 ? Math.Floor(v * grid) / grid : v;
            }
        }

        var y = frame.Get<Float64Column>("y").Values[from..to].ToArray();
        return (new FeatureMatrix(values, to - from, names), y);
    }

    private static double Rmse(double[] predictions, double[] actual)
    {
        var sum = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            sum += (predictions[i] - actual[i]) * (predictions[i] - actual[i]);
        }

        return Math.Sqrt(sum / actual.Length);
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.Contains(name) ? int.Parse(args[Array.IndexOf(args, name) + 1], CultureInfo.InvariantCulture) : fallback;

    private static partial class Diagnostics
    {
        [LibraryImport("lib_lightgbm", EntryPoint = "LGBM_BoosterSaveModelToString")]
        private static unsafe partial int SaveModelToString(BoosterHandle handle, int startIteration, int iterations, int importanceType, long bufferLength, out long outLength, byte* output);

        internal static unsafe string SaveModel(BoosterHandle booster)
        {
            var buffer = new byte[1 << 20];
            long length;
            fixed (byte* b = buffer)
            {
                LightGbmNative.Check(SaveModelToString(booster, 0, -1, 0, buffer.Length, out length, b), "LGBM_BoosterSaveModelToString");
            }

            if (length > buffer.Length)
            {
                buffer = new byte[length];
                fixed (byte* b = buffer)
                {
                    LightGbmNative.Check(SaveModelToString(booster, 0, -1, 0, buffer.Length, out length, b), "LGBM_BoosterSaveModelToString");
                }
            }

            return Encoding.UTF8.GetString(buffer, 0, (int)length - 1);
        }
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace ModelOps.Bench.Learners.Anchors;

/// <summary>One data set of the speed run with its sizes: boosting iterations, fits of each tool in a round, predictions timed after each fit, forest trees and depth.</summary>
internal sealed record SpeedCase(BenchData Data, int Iterations, int Repeats, int PredictRepeats, int ForestTrees, int ForestDepth);

/// <summary>
/// One round of the learners speed run in this process (bench/learners.sh starts one per round and
/// thread count, beside bench/learners_reference.py): every tool fits once per repeat, the tools
/// alternating (the order turns by one each round, so no tool is always first), each fit timed on
/// the wall clock and in process CPU seconds (all threads, native ones included), then predicted on
/// the test rows and scored by test RMSE. Before any timing each tool fits the first data set with
/// 5 iterations, so that no timed fit includes JIT compilation or the loading of a native library.
/// Prints one JSON line per figure: data, model, tool, threads, round, metric, value.
/// </summary>
internal static class SpeedBench
{
    internal static void Run(IReadOnlyList<SpeedCase> cases, int threads, int round, bool boosting, bool forest)
    {
        // The warm-up fits: 5 iterations of each booster, 2 trees of each forest.
        foreach (var contender in Contenders(boosting, forest, forestTrees: 2, forestDepth: 4))
        {
            using var warm = contender.Fit(cases[0].Data, new BoostingSettings(5, threads));
            warm.PredictTest();
        }

        foreach (var c in cases)
        {
            var contenders = Contenders(boosting, forest, c.ForestTrees, c.ForestDepth);
            var settings = new BoostingSettings(c.Iterations, threads);
            for (var repeat = 0; repeat < c.Repeats; repeat++)
            {
                for (var k = 0; k < contenders.Length; k++)
                {
                    var contender = contenders[(k + round - 1 + repeat) % contenders.Length];
                    Measure(contender, c, settings, round);
                }
            }
        }
    }

    private static IContender[] Contenders(bool boosting, bool forest, int forestTrees, int forestDepth)
    {
        var contenders = new List<IContender>();
        if (boosting)
        {
            contenders.AddRange([new ModelOpsBoosting(), new LightGbmContender(), new MlNetFastTree(), new MlNetLightGbm()]);
        }

        if (forest)
        {
            contenders.AddRange([new ModelOpsForest(forestTrees, forestDepth), new LightGbmForest(forestTrees, forestDepth)]);
        }

        return [.. contenders];
    }

    private static void Measure(IContender contender, SpeedCase c, BoostingSettings settings, int round)
    {
        void Emit(string metric, double value) => Console.WriteLine(JsonSerializer.Serialize(new
        {
            data = c.Data.Name,
            model = contender.Model,
            tool = contender.Tool,
            threads = settings.Threads,
            round,
            metric,
            value,
        }));

        // A full collection first, so that no fit pays for the garbage of the one before.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var fitted = contender.Fit(c.Data, settings);
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        Emit("fit_seconds", wall);
        Emit("fit_cpu_seconds", (process.TotalProcessorTime - cpu).TotalSeconds);

        double[] predictions = [];
        var best = double.MaxValue;
        for (var i = 0; i < c.PredictRepeats; i++)
        {
            clock.Restart();
            predictions = fitted.PredictTest();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        Emit("predict_rows_per_second", c.Data.TestLabels.Length / best);
        Emit("test_rmse", Rmse(predictions, c.Data.TestLabels));
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
}

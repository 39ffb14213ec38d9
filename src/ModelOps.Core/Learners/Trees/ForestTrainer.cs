using ModelOps.Core.Learning;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Learners.Trees;

/// <summary>Builds decision trees and random forests: one tree per task, in parallel over the cores.</summary>
internal static class ForestTrainer
{
    public static TreeEnsemble Fit(FeatureMatrix features, double[] targets, int trees, bool bootstrap, int maxBins, GrowerSettings settings, int seed, CancellationToken cancellation, IProgress<double>? progress = null)
    {
        var grown = 0;
        var n = features.Rows;
        var binned = BinnedFeatures.Create(features, maxBins, (ulong)seed);
        var result = new Tree[trees];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation };
        Parallel.For(0, trees, options, t =>
        {
            var rng = new SplitMix64(SplitMix64.Derive((ulong)seed, (ulong)t));
            var weights = new double[n];
            if (bootstrap)
            {
                for (var i = 0; i < n; i++)
                {
                    weights[rng.NextBounded((ulong)n)] += 1;
                }
            }
            else
            {
                Array.Fill(weights, 1.0);
            }

            var rowCount = 0;
            foreach (var w in weights)
            {
                rowCount += w > 0 ? 1 : 0;
            }

            // Forests as second-order trees: g = -w*y and h = w make leaf values weighted means and
            // gains squared-error reductions (equivalent to Gini for 0/1 targets).
            var rows = new int[rowCount];
            var g = new double[n];
            var h = weights;
            var k = 0;
            for (var i = 0; i < n; i++)
            {
                if (weights[i] > 0)
                {
                    rows[k++] = i;
                    g[i] = -weights[i] * targets[i];
                }
            }

            result[t] = TreeGrower.Grow(binned, g, h, rows, settings, rng.Next()).Tree;
            progress?.Report(Interlocked.Increment(ref grown) / (double)trees);
        });

        return new TreeEnsemble(result, 0, averaged: true, Link.Identity, features.Columns);
    }
}

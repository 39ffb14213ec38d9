using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Tests.Explain;

/// <summary>
/// Shapley values by definition: every subset S of the features, with the path-dependent
/// conditional expectation E[f(x) | x_S] (features outside S follow both children, weighted by cover).
/// Exponential in the feature count: for tests on up to 10 features only.
/// </summary>
internal static class BruteForce
{
    public static double[] Shapley(TreeEnsemble ensemble, double[] row)
    {
        var m = row.Length;
        var factorial = new double[m + 1];
        factorial[0] = 1;
        for (var i = 1; i <= m; i++)
        {
            factorial[i] = factorial[i - 1] * i;
        }

        var expectation = new double[1 << m];
        for (var subset = 0; subset < expectation.Length; subset++)
        {
            var sum = 0.0;
            foreach (var tree in ensemble.Trees)
            {
                sum += Expectation(tree, row, subset, 0);
            }

            expectation[subset] = ensemble.Averaged ? sum / ensemble.Trees.Count : sum;
        }

        var phi = new double[m];
        for (var i = 0; i < m; i++)
        {
            for (var subset = 0; subset < expectation.Length; subset++)
            {
                if ((subset & (1 << i)) != 0)
                {
                    continue;
                }

                var size = System.Numerics.BitOperations.PopCount((uint)subset);
                var weight = factorial[size] * factorial[m - size - 1] / factorial[m];
                phi[i] += weight * (expectation[subset | (1 << i)] - expectation[subset]);
            }
        }

        return phi;
    }

    private static double Expectation(Tree tree, double[] row, int subset, int node)
    {
        var feature = tree.Features[node];
        if (feature < 0)
        {
            return tree.Values[node];
        }

        var left = tree.Left[node];
        var right = tree.Right[node];
        if ((subset & (1 << feature)) != 0)
        {
            return Expectation(tree, row, subset, tree.GoesLeft(node, row[feature]) ? left : right);
        }

        return ((tree.Covers[left] * Expectation(tree, row, subset, left)) + (tree.Covers[right] * Expectation(tree, row, subset, right))) / tree.Covers[node];
    }
}

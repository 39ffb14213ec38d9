using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Explain;

/// <summary>
/// Exact path-dependent TreeSHAP for one tree (Lundberg, Erion and Lee 2018, "Consistent
/// Individualized Feature Attribution for Tree Ensembles", Algorithm 2): the Shapley values of the
/// tree's output where a missing feature is integrated out by following both children weighted by
/// their training cover. Runs in O(leaves x depth²) per row without allocating.
/// </summary>
internal sealed class TreeShap
{
    private readonly Tree _tree;
    private readonly int _maxDepth;

    public TreeShap(Tree tree)
    {
        _tree = tree;
        _maxDepth = tree.Depth;
        ExpectedValue = ExpectedValueOf(tree);
    }

    /// <summary>The tree's mean output over the training data (leaf values weighted by cover).</summary>
    public double ExpectedValue { get; }

    /// <summary>The size of the path buffer <see cref="Explain"/> needs.</summary>
    public int PathLength => (_maxDepth + 2) * (_maxDepth + 3) / 2;

    /// <summary>Adds <paramref name="scale"/> times the SHAP values of <paramref name="row"/> to <paramref name="phi"/>.</summary>
    /// <param name="row">The feature values (NaN for missing).</param>
    /// <param name="phi">One accumulator per feature.</param>
    /// <param name="path">A work buffer of at least <see cref="PathLength"/> elements.</param>
    /// <param name="scale">1 for summed ensembles, 1 / trees for averaged ones.</param>
    public void Explain(ReadOnlySpan<double> row, Span<double> phi, Span<PathElement> path, double scale)
    {
        if (_tree.Features[0] < 0)
        {
            return;
        }

        Recurse(row, phi, path, 0, 0, 0, 1, 1, -1, scale);
    }

    private void Recurse(ReadOnlySpan<double> row, Span<double> phi, Span<PathElement> pathData, int parentOffset, int node, int uniqueDepth, double parentZeroFraction, double parentOneFraction, int parentFeature, double scale)
    {
        // Step 1 (EXTEND): copy the parent's path one level on and add this split's fractions.
        var offset = parentOffset + uniqueDepth;
        var path = pathData.Slice(offset, uniqueDepth + 1);
        if (uniqueDepth > 0)
        {
            pathData.Slice(parentOffset, uniqueDepth).CopyTo(path);
        }

        Extend(path, uniqueDepth, parentZeroFraction, parentOneFraction, parentFeature);

        var features = _tree.Features;
        var feature = features[node];
        if (feature < 0)
        {
            // Step 2 (leaf): each feature on the path gets its weight times (one - zero) times the leaf value.
            var value = _tree.Values[node] * scale;
            for (var i = 1; i <= uniqueDepth; i++)
            {
                var weight = UnwoundPathSum(path, uniqueDepth, i);
                ref readonly var element = ref path[i];
                phi[element.Feature] += weight * (element.OneFraction - element.ZeroFraction) * value;
            }

            return;
        }

        // Step 3 (internal node): the hot child is the one the row follows.
        var left = _tree.Left[node];
        var right = _tree.Right[node];
        var goesLeft = _tree.GoesLeft(node, row[feature]);
        var hot = goesLeft ? left : right;
        var cold = goesLeft ? right : left;
        var cover = _tree.Covers[node];
        var hotZeroFraction = cover > 0 ? _tree.Covers[hot] / cover : 0;
        var coldZeroFraction = cover > 0 ? _tree.Covers[cold] / cover : 0;
        var incomingZeroFraction = 1.0;
        var incomingOneFraction = 1.0;

        // A feature already on the path is unwound first, so that it appears once with combined fractions.
        var pathIndex = 0;
        for (; pathIndex <= uniqueDepth; pathIndex++)
        {
            if (path[pathIndex].Feature == feature)
            {
                break;
            }
        }

        if (pathIndex != uniqueDepth + 1)
        {
            incomingZeroFraction = path[pathIndex].ZeroFraction;
            incomingOneFraction = path[pathIndex].OneFraction;
            Unwind(path, uniqueDepth, pathIndex);
            uniqueDepth--;
        }

        Recurse(row, phi, pathData, offset, hot, uniqueDepth + 1, hotZeroFraction * incomingZeroFraction, incomingOneFraction, feature, scale);
        Recurse(row, phi, pathData, offset, cold, uniqueDepth + 1, coldZeroFraction * incomingZeroFraction, 0, feature, scale);
    }

    private static void Extend(Span<PathElement> path, int uniqueDepth, double zeroFraction, double oneFraction, int feature)
    {
        path[uniqueDepth] = new PathElement(feature, zeroFraction, oneFraction, uniqueDepth == 0 ? 1 : 0);
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            path[i + 1].Weight += oneFraction * path[i].Weight * (i + 1) / (uniqueDepth + 1);
            path[i].Weight = zeroFraction * path[i].Weight * (uniqueDepth - i) / (uniqueDepth + 1);
        }
    }

    private static void Unwind(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var oneFraction = path[pathIndex].OneFraction;
        var zeroFraction = path[pathIndex].ZeroFraction;
        var nextOnePortion = path[uniqueDepth].Weight;
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            if (oneFraction != 0)
            {
                var previous = path[i].Weight;
                path[i].Weight = nextOnePortion * (uniqueDepth + 1) / ((i + 1) * oneFraction);
                nextOnePortion = previous - (path[i].Weight * zeroFraction * (uniqueDepth - i) / (uniqueDepth + 1));
            }
            else
            {
                path[i].Weight = path[i].Weight * (uniqueDepth + 1) / (zeroFraction * (uniqueDepth - i));
            }
        }

        for (var i = pathIndex; i < uniqueDepth; i++)
        {
            path[i] = path[i + 1] with { Weight = path[i].Weight };
        }
    }

    private static double UnwoundPathSum(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var oneFraction = path[pathIndex].OneFraction;
        var zeroFraction = path[pathIndex].ZeroFraction;
        var nextOnePortion = path[uniqueDepth].Weight;
        var total = 0.0;
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            if (oneFraction != 0)
            {
                var portion = nextOnePortion * (uniqueDepth + 1) / ((i + 1) * oneFraction);
                total += portion;
                nextOnePortion = path[i].Weight - (portion * zeroFraction * (uniqueDepth - i) / (uniqueDepth + 1));
            }
            else
            {
                total += path[i].Weight / zeroFraction / ((uniqueDepth - i) / (double)(uniqueDepth + 1));
            }
        }

        return total;
    }

    /// <summary>The tree's mean output over the training data: leaf values weighted by cover.</summary>
    public static double ExpectedValueOf(Tree tree)
    {
        var root = tree.Covers[0];
        if (tree.Features[0] < 0 || root <= 0)
        {
            return tree.Values[0];
        }

        var sum = 0.0;
        for (var i = 0; i < tree.NodeCount; i++)
        {
            if (tree.Features[i] < 0)
            {
                sum += tree.Values[i] * tree.Covers[i];
            }
        }

        return sum / root;
    }
}

/// <summary>One feature on the path from the root in TreeSHAP: the fraction of training weight that
/// follows the path when the feature is missing (zero) and whether the row follows it (one).</summary>
internal struct PathElement(int feature, double zeroFraction, double oneFraction, double weight)
{
    public int Feature = feature;
    public double ZeroFraction = zeroFraction;
    public double OneFraction = oneFraction;
    public double Weight = weight;
}

namespace ModelOps.Core.Learners.Trees;

/// <summary>
/// A tree model: the raw output is <see cref="BaseScore"/> plus the sum of the trees' values
/// (boosting), or their mean (forests, <see cref="Averaged"/>).
/// </summary>
public sealed class TreeEnsemble : Predictor
{
    private readonly Tree[] _trees;

    /// <summary>An ensemble over <paramref name="trees"/>.</summary>
    public TreeEnsemble(IReadOnlyList<Tree> trees, double baseScore, bool averaged, Link link, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(trees);
        ArgumentOutOfRangeException.ThrowIfNegative(featureCount);
        _trees = [.. trees];
        BaseScore = baseScore;
        Averaged = averaged;
        Link = link;
        FeatureCount = featureCount;
    }

    /// <summary>The trees.</summary>
    public IReadOnlyList<Tree> Trees => _trees;

    /// <summary>The constant added to the trees' output.</summary>
    public double BaseScore { get; }

    /// <summary>Whether the trees' values are averaged (forests) rather than summed (boosting).</summary>
    public bool Averaged { get; }

    /// <inheritdoc/>
    public override Link Link { get; }

    /// <inheritdoc/>
    public override int FeatureCount { get; }

    /// <inheritdoc/>
    public override double PredictRaw(ReadOnlySpan<double> row)
    {
        var sum = 0.0;
        foreach (var tree in _trees)
        {
            sum += tree.Predict(row);
        }

        return BaseScore + (Averaged && _trees.Length > 0 ? sum / _trees.Length : sum);
    }

    // Tree-outer over a block of rows: each tree's nodes stay in cache while the block walks it.
    private protected override void PredictBlock(Learning.FeatureMatrix features, int start, int end, Span<double> output)
    {
        output.Clear();
        foreach (var tree in _trees)
        {
            for (var r = start; r < end; r++)
            {
                output[r - start] += tree.Predict(features.Row(r));
            }
        }

        for (var i = 0; i < output.Length; i++)
        {
            output[i] = BaseScore + (Averaged && _trees.Length > 0 ? output[i] / _trees.Length : output[i]);
        }
    }
}

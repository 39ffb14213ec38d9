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
}

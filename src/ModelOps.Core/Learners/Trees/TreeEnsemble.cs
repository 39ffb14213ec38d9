namespace ModelOps.Core.Learners.Trees;

/// <summary>
/// A tree model: the raw output is <see cref="BaseScore"/> plus the sum of the trees' values
/// (boosting), or their mean (forests, <see cref="Averaged"/>). With <see cref="Float32Sum"/> the
/// sum is accumulated in float32, tree after tree from the base score, as XGBoost does.
/// </summary>
public sealed class TreeEnsemble : Predictor
{
    private readonly Tree[] _trees;

    /// <summary>An ensemble over <paramref name="trees"/>.</summary>
    /// <param name="trees">The trees, summed in this order.</param>
    /// <param name="baseScore">The constant added to the trees' output.</param>
    /// <param name="averaged">Whether the trees' values are averaged rather than summed.</param>
    /// <param name="link">How the raw output maps to a prediction.</param>
    /// <param name="featureCount">The number of features a row must have.</param>
    /// <param name="float32Sum">Whether to sum in float32 like XGBoost (default <see langword="false"/>: float64); not allowed with <paramref name="averaged"/>.</param>
    public TreeEnsemble(IReadOnlyList<Tree> trees, double baseScore, bool averaged, Link link, int featureCount, bool float32Sum = false)
    {
        ArgumentNullException.ThrowIfNull(trees);
        ArgumentOutOfRangeException.ThrowIfNegative(featureCount);
        if (float32Sum && averaged)
        {
            throw new ArgumentException("A float32 sum is for boosted (summed) trees, not averaged ones.", nameof(float32Sum));
        }

        _trees = [.. trees];
        BaseScore = baseScore;
        Averaged = averaged;
        Link = link;
        FeatureCount = featureCount;
        Float32Sum = float32Sum;
    }

    /// <summary>The trees.</summary>
    public IReadOnlyList<Tree> Trees => _trees;

    /// <summary>The constant added to the trees' output.</summary>
    public double BaseScore { get; }

    /// <summary>Whether the trees' values are averaged (forests) rather than summed (boosting).</summary>
    public bool Averaged { get; }

    /// <summary>
    /// Whether the raw output is accumulated in float32: start from <see cref="BaseScore"/> as float32
    /// and add each tree's value rounded to float32, in tree order (XGBoost's CPU predictor).
    /// </summary>
    public bool Float32Sum { get; }

    /// <inheritdoc/>
    public override Link Link { get; }

    /// <inheritdoc/>
    public override int FeatureCount { get; }

    /// <inheritdoc/>
    public override double PredictRaw(ReadOnlySpan<double> row)
    {
        if (Float32Sum)
        {
            var single = (float)BaseScore;
            foreach (var tree in _trees)
            {
                single += (float)tree.Predict(row);
            }

            return single;
        }

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
        if (Float32Sum)
        {
            // float64 holds the sum of two float32 values exactly (or, when their magnitudes are
            // 2^29 apart, within far less than half a float32 step), so rounding it to float32
            // is float32 addition.
            output.Fill((float)BaseScore);
            foreach (var tree in _trees)
            {
                for (var r = start; r < end; r++)
                {
                    output[r - start] = (float)(output[r - start] + (float)tree.Predict(features.Row(r)));
                }
            }

            return;
        }

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

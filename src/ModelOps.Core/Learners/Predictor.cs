using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners;

/// <summary>How a predictor's raw output maps to a prediction.</summary>
public enum Link
{
    /// <summary>The raw output is the prediction (regression value, or a probability averaged over trees).</summary>
    Identity,

    /// <summary>The raw output is a log-odds margin; the probability is 1 / (1 + exp(-raw)).</summary>
    Logistic,
}

/// <summary>
/// A fitted learner: computes the raw output (margin) of one feature row. Predictors are
/// immutable and safe to call from many threads.
/// </summary>
public abstract class Predictor
{
    private protected Predictor()
    {
    }

    /// <summary>The number of features a row must have.</summary>
    public abstract int FeatureCount { get; }

    /// <summary>How the raw output maps to a prediction.</summary>
    public abstract Link Link { get; }

    /// <summary>The raw output (regression value, probability or log-odds margin, see <see cref="Link"/>) of one row.</summary>
    public abstract double PredictRaw(ReadOnlySpan<double> row);

    /// <summary>The raw outputs of every row of <paramref name="features"/>, computed in parallel over blocks of rows.</summary>
    public void PredictRaw(FeatureMatrix features, Span<double> output)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Columns != FeatureCount)
        {
            throw new ArgumentException($"The model needs {FeatureCount} features but the matrix has {features.Columns}.", nameof(features));
        }

        if (output.Length != features.Rows)
        {
            throw new ArgumentException($"The output has room for {output.Length} rows but the matrix has {features.Rows}.", nameof(output));
        }

        const int Block = 512;
        if (features.Rows <= Block)
        {
            PredictBlock(features, 0, features.Rows, output);
            return;
        }

        var result = new double[features.Rows];
        var blocks = (features.Rows + Block - 1) / Block;
        Parallel.For(0, blocks, b =>
        {
            var start = b * Block;
            var end = Math.Min(features.Rows, start + Block);
            PredictBlock(features, start, end, result.AsSpan(start, end - start));
        });
        result.CopyTo(output);
    }

    /// <summary>The raw outputs of every row of <paramref name="features"/> on the calling thread (a caller that already runs blocks in parallel).</summary>
    internal void PredictRawSequential(FeatureMatrix features, Span<double> output)
    {
        if (features.Columns != FeatureCount || output.Length != features.Rows)
        {
            throw new ArgumentException($"The model needs {FeatureCount} features and {features.Rows} outputs; got {features.Columns} and {output.Length}.", nameof(features));
        }

        PredictBlock(features, 0, features.Rows, output);
    }

    /// <summary>Raw outputs of rows <paramref name="start"/> to <paramref name="end"/> (exclusive) into <paramref name="output"/>.</summary>
    private protected virtual void PredictBlock(FeatureMatrix features, int start, int end, Span<double> output)
    {
        for (var r = start; r < end; r++)
        {
            output[r - start] = PredictRaw(features.Row(r));
        }
    }

    /// <summary>Applies <paramref name="link"/> to a raw output.</summary>
    public static double ApplyLink(Link link, double raw) => link == Link.Logistic ? 1.0 / (1.0 + Math.Exp(-raw)) : raw;
}

/// <summary>Descriptions of predictors for messages.</summary>
internal static class Predictors
{
    /// <summary><c>a forest of 100 trees</c>, <c>a boosted ensemble of 50 trees</c>, <c>a linear model of 8 features</c>.</summary>
    public static string Describe(Predictor predictor) => predictor switch
    {
        Trees.TreeEnsemble { Averaged: true } forest => $"a forest of {forest.Trees.Count} trees over {forest.FeatureCount} features",
        Trees.TreeEnsemble boosted => $"a boosted ensemble of {boosted.Trees.Count} trees over {boosted.FeatureCount} features ({boosted.Link} link)",
        Linear.LinearPredictor linear => $"a linear model of {linear.FeatureCount} features ({linear.Link} link)",
        _ => predictor.GetType().Name,
    };
}

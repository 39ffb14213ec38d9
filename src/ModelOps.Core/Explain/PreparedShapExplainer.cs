using System.Numerics;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Explain;

/// <summary>
/// An explainer prepared once for one fitted model (<see cref="ShapExplainer.Prepare(Models.Model, ShapLevel, long)"/>):
/// per-tree tables or quadrature factors, the base value and the feature-to-input mapping are built
/// when it is created, so explaining a row only walks the trees. Immutable and safe to share between
/// threads; the values are the same exact SHAP values as <see cref="ShapExplainer.Explain(Models.Model, Frame, ShapLevel)"/>.
/// </summary>
public sealed class PreparedShapExplainer
{
    private const int Block = 64;

    /// <summary>Rows explained together, tree by tree (their accumulators stay in the core's cache).</summary>
    private const int Chunk = 16;

    [ThreadStatic]
    private static Scratch? _scratch;

    private readonly FeaturePipeline? _pipeline;
    private readonly int[]? _sources;
    private readonly string[] _names;
    private readonly string[] _featureNames;
    private readonly TreeEnsemble? _ensemble;
    private readonly FastTreeShap?[] _tables = [];
    private readonly LinearTreeShap?[] _linear = [];
    private readonly TreeShap?[] _algorithmTwo = [];
    private readonly double _scale = 1;
    private readonly int _stride;
    private readonly int _nodes = 1;
    private readonly int _products;
    private readonly int _pathLength = 1;
    private readonly LinearPredictor? _linearModel;

    internal PreparedShapExplainer(Predictor predictor, FeaturePipeline? pipeline, ShapLevel level, long tableBudgetBytes, TreeShapMethod method)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentOutOfRangeException.ThrowIfNegative(tableBudgetBytes);
        _pipeline = pipeline;
        Level = pipeline is null ? ShapLevel.Feature : level;
        FeatureCount = predictor.FeatureCount;
        _featureNames = pipeline is null ? [.. Enumerable.Range(0, FeatureCount).Select(j => $"f{j}")] : [.. pipeline.FeatureNames];
        if (Level == ShapLevel.Input)
        {
            _sources = [.. pipeline!.FeatureSources];
            _names = [.. pipeline.Inputs.Select(i => i.Name)];
        }
        else
        {
            _names = _featureNames;
        }

        switch (predictor)
        {
            case TreeEnsemble ensemble:
                _ensemble = ensemble;
                var count = ensemble.Trees.Count;
                _scale = ensemble.Averaged && count > 0 ? 1.0 / count : 1.0;
                _tables = new FastTreeShap?[count];
                _linear = new LinearTreeShap?[count];
                _algorithmTwo = new TreeShap?[count];
                var budget = tableBudgetBytes / sizeof(double);
                var expected = 0.0;
                var width = Vector<double>.Count;
                for (var t = 0; t < count; t++)
                {
                    var tree = ensemble.Trees[t];
                    expected += TreeShap.ExpectedValueOf(tree);
                    _nodes = Math.Max(_nodes, tree.NodeCount);
                    if (method == TreeShapMethod.AlgorithmTwo)
                    {
                        _algorithmTwo[t] = new TreeShap(tree);
                        _pathLength = Math.Max(_pathLength, _algorithmTwo[t]!.PathLength);
                        continue;
                    }

                    var linear = method == TreeShapMethod.Tables ? null : new LinearTreeShap(tree, _scale);
                    var size = method == TreeShapMethod.Linear ? -1 : FastTreeShap.TableSizeOf(tree);
                    if (size >= 0 && size <= budget && (linear is null || FastTreeShap.CostOf(tree) < linear.Cost))
                    {
                        _tables[t] = FastTreeShap.Create(tree, TreeShap.ExpectedValueOf(tree));
                        budget -= size;
                        TableBytes += size * sizeof(double);
                    }
                    else
                    {
                        linear ??= new LinearTreeShap(tree, _scale);
                        _linear[t] = linear;
                        width = Math.Max(width, linear.Width);
                        _products = Math.Max(_products, linear.NodeCount * linear.Width);
                    }
                }

                _stride = width;
                BaseValue = ensemble.BaseScore + (ensemble.Averaged && count > 0 ? expected / count : expected);
                break;
            case LinearPredictor linearModel:
                _linearModel = linearModel;
                var baseValue = linearModel.Intercept;
                for (var j = 0; j < FeatureCount; j++)
                {
                    baseValue += linearModel.Coefficients[j] * linearModel.FeatureMeans[j];
                }

                BaseValue = baseValue;
                break;
            default:
                throw new NotSupportedException($"No SHAP explainer for {predictor.GetType().Name}.");
        }
    }

    /// <summary>What the values are attributed to: input columns, or model features when prepared from a bare predictor.</summary>
    public ShapLevel Level { get; }

    /// <summary>The names of the values of a row: input columns or model features, in order (f0, f1, ... when prepared from a bare predictor).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The expected raw output of the model over its training data.</summary>
    public double BaseValue { get; }

    /// <summary>The number of model features a row has (the length <see cref="Explain(ReadOnlySpan{double}, Span{double})"/> takes).</summary>
    public int FeatureCount { get; }

    /// <summary>The memory held by precomputed tables, in bytes.</summary>
    public long TableBytes { get; }

    /// <summary>Explains <paramref name="inputs"/> (checked against the model's signature and transformed by its pipeline).</summary>
    /// <exception cref="InvalidOperationException">The explainer was prepared from a predictor without a pipeline.</exception>
    public ShapValues Explain(Frame inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_pipeline is null)
        {
            throw new InvalidOperationException("This explainer was prepared from a predictor without a feature pipeline; explain a FeatureMatrix instead.");
        }

        return Explain(_pipeline.Transform(inputs));
    }

    /// <summary>Explains rows of model features, in parallel over blocks of 64 rows.</summary>
    /// <param name="features">The feature rows (as the model's pipeline writes them).</param>
    /// <param name="maxDegreeOfParallelism">The most cores to use; default all.</param>
    public ShapValues Explain(FeatureMatrix features, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Columns != FeatureCount)
        {
            throw new ArgumentException($"The model needs {FeatureCount} features but the matrix has {features.Columns}.", nameof(features));
        }

        var q = _names.Length;
        var values = new double[features.Rows * q];
        var blocks = (features.Rows + Block - 1) / Block;
        void ExplainBlock(int b)
        {
            var start = b * Block;
            var end = Math.Min(features.Rows, start + Block);
            ExplainInto(features.Values.Slice(start * FeatureCount, (end - start) * FeatureCount), end - start, values.AsSpan(start * q, (end - start) * q));
        }

        if (blocks == 1 || maxDegreeOfParallelism == 1)
        {
            for (var b = 0; b < blocks; b++)
            {
                ExplainBlock(b);
            }
        }
        else if (blocks > 1)
        {
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 }, ExplainBlock);
        }

        return new ShapValues(values, features.Rows, _pipeline is null ? features.Names : _names, BaseValue);
    }

    /// <summary>
    /// Explains the rows of several matrices together on the calling thread, tree by tree over
    /// chunks of rows, so that each tree is read from memory once per chunk rather than once per row:
    /// a server gathers the few rows of concurrent requests into one call.
    /// </summary>
    /// <param name="batch">Feature rows (as the model's pipeline writes them), e.g. one matrix per request.</param>
    /// <returns>One <see cref="ShapValues"/> per matrix, in order.</returns>
    public ShapValues[] Explain(IReadOnlyList<FeatureMatrix> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var total = 0;
        foreach (var features in batch)
        {
            ArgumentNullException.ThrowIfNull(features, nameof(batch));
            if (features.Columns != FeatureCount)
            {
                throw new ArgumentException($"The model needs {FeatureCount} features but a matrix of the batch has {features.Columns}.", nameof(batch));
            }

            total += features.Rows;
        }

        var m = FeatureCount;
        var q = _names.Length;
        var rows = new double[total * m];
        var offset = 0;
        foreach (var features in batch)
        {
            features.Values.CopyTo(rows.AsSpan(offset));
            offset += features.Values.Length;
        }

        var values = new double[total * q];
        for (var r = 0; r < total; r += Chunk)
        {
            var count = Math.Min(Chunk, total - r);
            ExplainRows(rows.AsSpan(r * m, count * m), count, values.AsSpan(r * q, count * q));
        }

        var results = new ShapValues[batch.Count];
        var start = 0;
        for (var i = 0; i < results.Length; i++)
        {
            var features = batch[i];
            results[i] = new ShapValues(values.AsSpan(start * q, features.Rows * q).ToArray(), features.Rows, _pipeline is null ? features.Names : _names, BaseValue);
            start += features.Rows;
        }

        return results;
    }

    /// <summary>Explains one row of model features into <paramref name="values"/> without allocating.</summary>
    /// <param name="features">The row's <see cref="FeatureCount"/> model features.</param>
    /// <param name="values">Receives one value per name in <see cref="Names"/> (overwritten).</param>
    public void Explain(ReadOnlySpan<double> features, Span<double> values)
    {
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"The model needs {FeatureCount} features but the row has {features.Length}.", nameof(features));
        }

        if (values.Length != _names.Length)
        {
            throw new ArgumentException($"The explainer writes {_names.Length} values per row but the span has {values.Length}.", nameof(values));
        }

        ExplainRow(features, values);
    }

    /// <summary>Explains <paramref name="rows"/> consecutive rows of model features on the calling thread, chunk by chunk, into <paramref name="values"/> (one value per name and row).</summary>
    internal void ExplainInto(ReadOnlySpan<double> features, int rows, Span<double> values)
    {
        var q = _names.Length;
        for (var r = 0; r < rows; r += Chunk)
        {
            var count = Math.Min(Chunk, rows - r);
            ExplainRows(features.Slice(r * FeatureCount, count * FeatureCount), count, values.Slice(r * q, count * q));
        }
    }

    private void ExplainRow(ReadOnlySpan<double> row, Span<double> values) => ExplainRows(row, 1, values);

    /// <summary>
    /// Explains <paramref name="count"/> (at most <see cref="Chunk"/>) consecutive rows tree by tree:
    /// each tree's factors are read from memory once for all of them instead of once per row.
    /// </summary>
    private void ExplainRows(ReadOnlySpan<double> rows, int count, Span<double> values)
    {
        var scratch = _scratch;
        if (scratch is null || !scratch.Fits(this))
        {
            scratch = _scratch = new Scratch(Math.Max(FeatureCount, scratch?.Features ?? 0), Math.Max(_stride, scratch?.Stride ?? 0), Math.Max(_nodes, scratch?.GoesLeft.Length ?? 0), Math.Max(_products, scratch?.Products.Length ?? 0), Math.Max(_pathLength, scratch?.Path.Length ?? 0));
        }

        var m = FeatureCount;
        var q = _names.Length;
        var phi = scratch.Phi.AsSpan(0, count * m);
        phi.Clear();
        if (_linearModel is { } linear)
        {
            var coefficients = linear.Coefficients;
            var means = linear.FeatureMeans;
            for (var i = 0; i < phi.Length; i++)
            {
                var j = i % m;
                phi[i] = coefficients[j] * (rows[i] - means[j]);
            }
        }
        else
        {
            ExplainTrees(rows, count, phi, scratch);
        }

        for (var r = 0; r < count; r++)
        {
            var target = values.Slice(r * q, q);
            var source = phi.Slice(r * m, m);
            if (_sources is { } sources)
            {
                target.Clear();
                for (var j = 0; j < m; j++)
                {
                    target[sources[j]] += source[j];
                }
            }
            else
            {
                source.CopyTo(target);
            }
        }
    }

    private void ExplainTrees(ReadOnlySpan<double> rows, int count, Span<double> phi, Scratch scratch)
    {
        var m = FeatureCount;
        var stride = _stride;
        var size = m * stride;
        var accumulators = scratch.Accumulators.AsSpan(0, count * size);
        accumulators.Clear();
        var anyLinear = false;
        for (var t = 0; t < _tables.Length; t++)
        {
            // The next tree's factors load while this one is explained.
            if (t + 1 < _linear.Length)
            {
                _linear[t + 1]?.Prefetch();
            }

            for (var r = 0; r < count; r++)
            {
                var row = rows.Slice(r * m, m);
                if (_linear[t] is { } linear)
                {
                    linear.Explain(row, accumulators.Slice(r * size, size), stride, scratch.Products, scratch.State);
                    anyLinear = true;
                }
                else if (_tables[t] is { } table)
                {
                    table.Explain(row, phi.Slice(r * m, m), scratch.GoesLeft, _scale);
                }
                else
                {
                    _algorithmTwo[t]!.Explain(row, phi.Slice(r * m, m), scratch.Path, _scale);
                }
            }
        }

        if (anyLinear)
        {
            for (var i = 0; i < phi.Length; i++)
            {
                var sum = 0.0;
                foreach (var term in accumulators.Slice(i * stride, stride))
                {
                    sum += term;
                }

                phi[i] += sum;
            }
        }
    }

    /// <summary>Work buffers of one thread, grown to the largest explainer it has served.</summary>
    private sealed class Scratch(int features, int stride, int nodes, int products, int pathLength)
    {
        public int Features { get; } = features;

        public double[] Phi { get; } = new double[Chunk * features];

        public int Stride { get; } = stride;

        public double[] Accumulators { get; } = new double[Chunk * features * stride];

        public double[] Products { get; } = new double[products];

        public uint[] State { get; } = new uint[nodes];

        public bool[] GoesLeft { get; } = new bool[nodes];

        public PathElement[] Path { get; } = new PathElement[pathLength];

        public bool Fits(PreparedShapExplainer explainer) =>
            Features >= explainer.FeatureCount && Stride >= explainer._stride && GoesLeft.Length >= explainer._nodes
            && Products.Length >= explainer._products && Path.Length >= explainer._pathLength;
    }
}

/// <summary>How a prepared explainer computes tree SHAP values (all exact; tests compare them).</summary>
internal enum TreeShapMethod
{
    /// <summary>Per tree, tables or Linear TreeSHAP, whichever the cost model says is cheaper per row (tables within the budget).</summary>
    Auto,

    /// <summary>Tables where they fit the budget, Linear TreeSHAP elsewhere.</summary>
    Tables,

    /// <summary>Linear TreeSHAP for every tree.</summary>
    Linear,

    /// <summary>Algorithm 2 of Lundberg et al. for every tree (the reference).</summary>
    AlgorithmTwo,
}

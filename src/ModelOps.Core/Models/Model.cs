using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Models;

/// <summary>The ModelOps model: a <see cref="FeaturePipeline"/> and a <see cref="Predictor"/> fitted by a learner.</summary>
public sealed class Model : IModel
{
    /// <summary>Rows per block of a large prediction (the predictor's own block size).</summary>
    private const int PredictBlock = 512;

    private readonly FeatureStep[] _steps;
    private LearnerOptions _learner;

    /// <summary>An unfitted model.</summary>
    /// <param name="steps">The feature pipeline steps.</param>
    /// <param name="learner">The learner and its parameters.</param>
    public Model(IReadOnlyList<FeatureStep> steps, LearnerOptions learner)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(learner);
        _steps = [.. steps];
        _learner = learner;
    }

    internal Model(IReadOnlyList<FeatureStep> steps, LearnerOptions learner, FeaturePipeline pipeline, Predictor predictor, string? targetName, IReadOnlyDictionary<string, string> metadata)
        : this(steps, learner)
    {
        Pipeline = pipeline;
        Predictor = predictor;
        TargetName = targetName;
        Metadata = metadata;
    }

    /// <summary>The feature pipeline steps.</summary>
    public IReadOnlyList<FeatureStep> Steps => _steps;

    /// <summary>The learner options.</summary>
    public LearnerOptions Learner => _learner;

    /// <summary>The fitted pipeline, or <see langword="null"/> before fitting.</summary>
    public FeaturePipeline? Pipeline { get; private set; }

    /// <summary>The fitted predictor, or <see langword="null"/> before fitting.</summary>
    public Predictor? Predictor { get; private set; }

    /// <summary>The name of the target column seen in training.</summary>
    public string? TargetName { get; private set; }

    /// <summary>Free-form text metadata saved with the model (no clock values are added, so files stay reproducible).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <inheritdoc/>
    public string Kind => _learner.Kind;

    /// <inheritdoc/>
    public ModelTask Task => _learner.Task;

    /// <inheritdoc/>
    public bool IsFitted => Predictor is not null;

    /// <inheritdoc/>
    public IReadOnlyList<InputColumn> Inputs => Pipeline?.Inputs ?? [];

    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames => Pipeline?.FeatureNames ?? [];

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames => _learner.ParameterNames;

    /// <inheritdoc/>
    public object? GetParameter(string name) => _learner.GetParameter(name);

    /// <inheritdoc/>
    public void SetParameter(string name, object? value)
    {
        _learner = _learner.WithParameter(name, value);
        Pipeline = null;
        Predictor = null;
    }

    /// <inheritdoc/>
    public void Fit(Frame inputs, Column target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(target);
        _learner.Validate();
        var targets = TargetValues.Read(target, inputs.RowCount, Task);
        var pipeline = FeaturePipeline.Fit(_steps, inputs);
        var features = pipeline.Transform(inputs);
        Predictor = _learner.Fit(features, targets, cancellationToken);
        Pipeline = pipeline;
        TargetName = target.Name;
    }

    /// <inheritdoc/>
    public double[] PredictRaw(Frame inputs)
    {
        var (pipeline, predictor) = Fitted();
        var rows = pipeline.Rows(inputs);
        var output = new double[rows.Count];
        if (rows.Count <= PredictBlock)
        {
            var features = new double[rows.Count * pipeline.FeatureNames.Count];
            rows.Write(0, rows.Count, features);
            predictor.PredictRaw(new FeatureMatrix(features, rows.Count, pipeline.FeatureNames), output);
            return output;
        }

        // Block by block on the cores: each block's feature rows are written into a buffer of the
        // thread and predicted while they are in its cache; the whole matrix is never built.
        var stride = pipeline.FeatureNames.Count;
        var blocks = (rows.Count + PredictBlock - 1) / PredictBlock;
        Parallel.For(0, blocks, () => new double[PredictBlock * stride], (b, _, buffer) =>
        {
            var start = b * PredictBlock;
            var count = Math.Min(rows.Count, start + PredictBlock) - start;
            var values = count == PredictBlock ? buffer : new double[count * stride];
            rows.Write(start, start + count, values);
            predictor.PredictRawSequential(new FeatureMatrix(values, count, pipeline.FeatureNames), output.AsSpan(start, count));
            return buffer;
        }, _ => { });
        return output;
    }

    /// <inheritdoc/>
    public double[] PredictProbability(Frame inputs)
    {
        if (Task != ModelTask.BinaryClassification)
        {
            throw new InvalidOperationException($"{Kind} is a regressor; it has no probabilities.");
        }

        var raw = PredictRaw(inputs);
        var link = Predictor!.Link;
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = Predictor.ApplyLink(link, raw[i]);
        }

        return raw;
    }

    /// <inheritdoc/>
    public double[] Predict(Frame inputs)
    {
        if (Task == ModelTask.Regression)
        {
            return PredictRaw(inputs);
        }

        var probabilities = PredictProbability(inputs);
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = probabilities[i] > 0.5 ? 1 : 0;
        }

        return probabilities;
    }

    /// <inheritdoc/>
    public IModel CloneUnfitted() => new Model(_steps, _learner) { Metadata = Metadata };

    private (FeaturePipeline Pipeline, Predictor Predictor) Fitted() =>
        Pipeline is { } pipeline && Predictor is { } predictor
            ? (pipeline, predictor)
            : throw new InvalidOperationException($"The {Kind} model is not fitted; call Fit first.");
}

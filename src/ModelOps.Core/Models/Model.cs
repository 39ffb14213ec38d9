using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learning;
using ModelOps.Core.Scoring;

namespace ModelOps.Core.Models;

/// <summary>The ModelOps model: a <see cref="FeaturePipeline"/> and a <see cref="Predictor"/> fitted by a learner.</summary>
public sealed class Model : IModel
{
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
    public void Fit(Frame inputs, Column target, CancellationToken cancellationToken = default) => Fit(inputs, target, null, cancellationToken);

    /// <summary>Fits the pipeline and the learner, telling <paramref name="progress"/> the share done (0 to 1) as the learner goes (boosting rounds, forest trees).</summary>
    /// <inheritdoc cref="Fit(Frame, Column, CancellationToken)"/>
    public void Fit(Frame inputs, Column target, IProgress<double>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(target);
        _learner.Validate();
        var targets = TargetValues.Read(target, inputs.RowCount, Task);
        var pipeline = FeaturePipeline.Fit(_steps, inputs);
        var features = pipeline.Transform(inputs);
        Predictor = _learner.Fit(features, targets, cancellationToken, progress);
        Pipeline = pipeline;
        TargetName = target.Name;
    }

    /// <summary>
    /// Continues training this fitted model on new rows: the same fitted feature pipeline transforms them (so the
    /// predictor's features keep their meaning) and <paramref name="learner"/> continues the fitted predictor
    /// (<see cref="LearnerOptions.CanContinue"/>): boosting adds its trees from this model's raw output (the result's raw
    /// output is this one's plus the new trees'), a forest adds trees, ridge and logistic regression move the coefficients
    /// toward the new rows as far as their penalty (now centred on this model's coefficients) allows.
    /// </summary>
    /// <param name="inputs">The new rows' inputs (every column the pipeline reads).</param>
    /// <param name="target">Their targets.</param>
    /// <param name="learner">The continuing learner: this model's own with changed parameters (the number of trees to add), or another of the same family and task.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <returns>A new fitted model; this one is unchanged.</returns>
    /// <exception cref="InvalidOperationException">This model is not fitted.</exception>
    /// <exception cref="ArgumentException">The learner's task differs, or it does not continue this model's predictor (the message says what each is).</exception>
    /// <exception cref="NotSupportedException">The learner cannot continue training.</exception>
    public Model Continue(Frame inputs, Column target, LearnerOptions learner, CancellationToken cancellationToken = default) => Continue(inputs, target, learner, null, cancellationToken);

    /// <summary>Continues training as <see cref="Continue(Frame, Column, LearnerOptions, CancellationToken)"/>, telling <paramref name="progress"/> the share done (0 to 1).</summary>
    /// <inheritdoc cref="Continue(Frame, Column, LearnerOptions, CancellationToken)"/>
    public Model Continue(Frame inputs, Column target, LearnerOptions learner, IProgress<double>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(learner);
        if (Pipeline is not { } pipeline || Predictor is not { } predictor)
        {
            throw new InvalidOperationException($"The {Kind} model is not fitted; only a fitted model can continue training.");
        }

        if (learner.Task != Task)
        {
            throw new ArgumentException($"{learner.Kind} is a {TaskName(learner.Task)} but the model is a {TaskName(Task)}.", nameof(learner));
        }

        learner.Validate();
        var targets = TargetValues.Read(target, inputs.RowCount, Task);
        var features = pipeline.Transform(inputs);
        var continued = learner.Continue(predictor, features, targets, cancellationToken, progress);
        return new Model(_steps, learner, pipeline, continued, target.Name, Metadata);
    }

    private static string TaskName(ModelTask task) => task == ModelTask.Regression ? "regressor" : "binary classifier";

    /// <inheritdoc/>
    /// <remarks>Scored by <see cref="ModelScoring"/>, block by block on the cores.</remarks>
    public double[] PredictRaw(Frame inputs) => ModelScoring.RawOutputs(this, inputs, null, null).Raw;

    /// <inheritdoc/>
    /// <remarks>Scored by <see cref="ModelScoring.Score"/>: the predictor's link applied to the raw outputs.</remarks>
    public double[] PredictProbability(Frame inputs) =>
        Task == ModelTask.BinaryClassification
            ? ModelScoring.Score(this, inputs).Probabilities!
            : throw new InvalidOperationException($"{Kind} is a regressor; it has no probabilities.");

    /// <inheritdoc/>
    /// <remarks>Scored by <see cref="ModelScoring.Score"/>.</remarks>
    public double[] Predict(Frame inputs) => ModelScoring.Score(this, inputs).Predictions;

    /// <inheritdoc/>
    public IModel CloneUnfitted() => new Model(_steps, _learner) { Metadata = Metadata };
}

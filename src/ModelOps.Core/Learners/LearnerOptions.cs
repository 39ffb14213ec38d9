using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners;

/// <summary>
/// The hyper-parameters of one learner, chosen in configs by <see cref="Kind"/>. Records: a
/// changed copy is made with <see cref="WithParameter"/>; <see cref="Validate"/> lists every
/// problem at once.
/// </summary>
public abstract record LearnerOptions
{
    /// <summary>The learner's config name (<c>KIND</c>), e.g. <c>RandomForestRegressor</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>What the learner predicts.</summary>
    public abstract ModelTask Task { get; }

    /// <summary>The parameter names (snake_case), in declaration order.</summary>
    public IReadOnlyList<string> ParameterNames => Parameters.NamesOf(GetType());

    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such parameter.</exception>
    public object? GetParameter(string name) => Parameters.Get(this, name);

    /// <summary>A copy with parameter <paramref name="name"/> set to <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">No such parameter, or the value has the wrong type.</exception>
    public LearnerOptions WithParameter(string name, object? value) => Parameters.With(this, name, value);

    /// <summary>Checks every parameter.</summary>
    /// <exception cref="ArgumentException">Parameters are out of range or inconsistent; the message lists them all.</exception>
    public void Validate()
    {
        var problems = Parameters.CheckRanges(this);
        AddProblems(problems);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"{Kind}: {string.Join("; ", problems)}.");
        }
    }

    /// <summary>
    /// Whether the learner continues training from a fitted predictor of its family (<see cref="Models.Model.Continue(Data.Frame, Data.Column, LearnerOptions, CancellationToken)"/>):
    /// boosting adds trees from the fitted raw output, a forest adds trees, linear and logistic regression move the fitted
    /// coefficients toward the new data (their penalty centred on them).
    /// </summary>
    public virtual bool CanContinue => false;

    /// <summary>Fits the learner to a feature matrix and its targets (validated: finite, 0/1 for classifiers).</summary>
    /// <param name="features">The feature matrix.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="cancellation">Stops the fit (between boosting rounds, trees, iterations).</param>
    /// <param name="progress">Told the share done (0 to 1) as the fit goes, by the learners that take a while (boosting: each round; forests: each tree).</param>
    internal abstract Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null);

    /// <summary>Continues training from <paramref name="fitted"/> on new data (the features made by the same fitted pipeline).</summary>
    /// <exception cref="NotSupportedException">The learner cannot continue (<see cref="CanContinue"/> is false).</exception>
    /// <exception cref="ArgumentException"><paramref name="fitted"/> is not a predictor this learner continues (the message says what it is).</exception>
    internal virtual Predictor Continue(Predictor fitted, FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        throw new NotSupportedException($"{Kind} cannot continue training from a fitted model; refit it on the new data instead");

    /// <summary>Adds problems that a <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/> cannot express.</summary>
    private protected virtual void AddProblems(List<string> problems)
    {
    }
}

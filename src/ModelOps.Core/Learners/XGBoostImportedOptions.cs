using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners;

/// <summary>
/// The learner of a model imported from XGBoost (<see cref="Interop.XGBoost.XGBoostModelReader"/>):
/// it records the XGBoost objective and cannot be trained; the trees come from the XGBoost file.
/// </summary>
public sealed record XGBoostImportedOptions : LearnerOptions
{
    /// <summary>The objective <c>reg:squarederror</c> (regression).</summary>
    public const string SquaredError = "reg:squarederror";

    /// <summary>The objective <c>binary:logistic</c> (binary classification, log-odds margins).</summary>
    public const string BinaryLogistic = "binary:logistic";

    /// <inheritdoc/>
    public override string Kind => "XGBoostImported";

    /// <inheritdoc/>
    public override ModelTask Task => Objective == BinaryLogistic ? ModelTask.BinaryClassification : ModelTask.Regression;

    /// <summary>The XGBoost objective the model was trained with: <c>reg:squarederror</c> or <c>binary:logistic</c>.</summary>
    /// <value>Default <c>reg:squarederror</c>.</value>
    public string Objective { get; init; } = SquaredError;

    /// <summary>Always throws: an imported model cannot be refitted.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        throw new NotSupportedException("An imported XGBoost model cannot be refitted; train a GradientBoostingRegressor/Classifier instead.");

    private protected override void AddProblems(List<string> problems)
    {
        if (Objective is not (SquaredError or BinaryLogistic))
        {
            problems.Add($"objective = {Objective}: must be {SquaredError} or {BinaryLogistic}");
        }
    }
}

using System.ComponentModel.DataAnnotations;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// Least squares with an L2 penalty <c>alpha * ||w||^2</c> on the coefficients (not the intercept),
/// like scikit-learn's <c>Ridge</c>: X and y are centred (when <see cref="FitIntercept"/>) and
/// <c>(X'X + alpha I) w = X'y</c> is solved by Cholesky.
/// </summary>
public sealed record RidgeOptions : LearnerOptions
{
    /// <inheritdoc/>
    public override string Kind => "Ridge";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The penalty strength; 0 gives ordinary (minimum-norm) least squares, as <see cref="LinearRegressionOptions"/>.</summary>
    /// <value>Default 1.0.</value>
    [Range(0, double.MaxValue)]
    public double Alpha { get; init; } = LinearDefaults.Alpha;

    /// <summary>Whether to fit an intercept (not penalised); without one the model passes through the origin.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool FitIntercept { get; init; } = LinearDefaults.FitIntercept;

    /// <inheritdoc/>
    /// <remarks>The penalty pulls toward the fitted coefficients instead of zero: <c>|y - Xw - b|² + alpha |w - w_fitted|²</c>.</remarks>
    public override bool CanContinue => true;

    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        LeastSquaresTrainer.Fit(LinearDesign.Create(features, FitIntercept, Kind), targets, Alpha, cancellation);

    internal override Predictor Continue(Predictor fitted, FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        LeastSquaresTrainer.Continue(fitted, LinearDesign.Create(features, FitIntercept, Kind), features, targets, Alpha, Kind, cancellation);
}

using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// Ordinary least squares, like scikit-learn's <c>LinearRegression</c>: X and y are centred (when
/// <see cref="FitIntercept"/>) and the squared error is minimised by a singular value decomposition.
/// When the features are collinear (a full one-hot encoding next to the intercept, a duplicated
/// column, more features than rows) the answer is the one with the smallest coefficient norm.
/// </summary>
/// <remarks>
/// Singular values below <c>eps * max(rows, features)</c> times the largest count as zero (the
/// default of numpy.linalg.lstsq and of MATLAB's pinv). scikit-learn's <c>scipy.linalg.lstsq</c>
/// drops only those below <c>eps</c> times the largest, so on rank-deficient data it keeps rounding
/// noise and can return huge coefficients (1e13 on the one-hot German credit features); elsewhere
/// the two agree to rounding.
/// </remarks>
public sealed record LinearRegressionOptions : LearnerOptions
{
    /// <inheritdoc/>
    public override string Kind => "LinearRegression";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>Whether to fit an intercept (not penalised); without one the model passes through the origin.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool FitIntercept { get; init; } = LinearDefaults.FitIntercept;

    /// <inheritdoc/>
    /// <remarks>Without a penalty the least-squares answer does not depend on where it starts: continuing is refitting on the new rows.</remarks>
    public override bool CanContinue => true;

    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        LeastSquaresTrainer.Fit(LinearDesign.Create(features, FitIntercept, Kind), targets, alpha: 0, cancellation);

    internal override Predictor Continue(Predictor fitted, FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        LeastSquaresTrainer.Continue(fitted, LinearDesign.Create(features, FitIntercept, Kind), features, targets, alpha: 0, Kind, cancellation);
}

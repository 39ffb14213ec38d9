using System.ComponentModel.DataAnnotations;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// Binary logistic regression with an L2 penalty, like scikit-learn's <c>LogisticRegression</c>: it
/// minimises the summed log-loss plus <c>||w||^2 / (2C)</c> on the coefficients (not the intercept)
/// by Newton's method (a Cholesky solve of the Hessian and a step-halving line search), which reaches
/// the exact penalised optimum in a few iterations. Raw outputs are log-odds (<see cref="Link.Logistic"/>).
/// </summary>
/// <remarks>
/// Training stops when the largest gradient component is at most <see cref="Tol"/>, when no step
/// lowers the objective any more (the optimum to rounding), or after <see cref="MaxIter"/> Newton
/// steps; then, like scikit-learn, the last iterate is kept without an error. Newton's method
/// converges quadratically, so with the defaults the result is usually the optimum to ~1e-10,
/// closer than scikit-learn's default lbfgs solver gets.
/// </remarks>
public sealed record LogisticRegressionOptions : LearnerOptions
{
    /// <inheritdoc/>
    public override string Kind => "LogisticRegression";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.BinaryClassification;

    /// <summary>The inverse penalty strength: smaller values shrink the coefficients more (config name <c>c</c>).</summary>
    /// <value>Default 1.0.</value>
    [Range(0, double.MaxValue, MinimumIsExclusive = true)]
    public double C { get; init; } = LinearDefaults.C;

    /// <summary>Whether to fit an intercept (not penalised).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool FitIntercept { get; init; } = LinearDefaults.FitIntercept;

    /// <summary>The most Newton steps; when they run out the last iterate is kept.</summary>
    /// <value>Default 100.</value>
    [Range(1, 100_000)]
    public int MaxIter { get; init; } = LinearDefaults.MaxIter;

    /// <summary>Training stops once every component of the objective's gradient is at most this in absolute value.</summary>
    /// <value>Default 1e-4.</value>
    [Range(0, double.MaxValue)]
    public double Tol { get; init; } = LinearDefaults.Tol;

    /// <inheritdoc/>
    /// <remarks>The penalty pulls toward the fitted coefficients instead of zero: the log loss plus <c>|w - w_fitted|² / 2C</c>, searched from the fitted model.</remarks>
    public override bool CanContinue => true;

    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        LogisticRegressionTrainer.Fit(LinearDesign.Create(features, FitIntercept, Kind), targets, C, MaxIter, Tol, cancellation);

    internal override Predictor Continue(Predictor fitted, FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null)
    {
        if (fitted is not LinearPredictor { Link: Link.Logistic } start || start.FeatureCount != features.Columns)
        {
            throw new ArgumentException($"{Kind} continues a logistic regression of the same features, not {Predictors.Describe(fitted)}.", nameof(fitted));
        }

        return LogisticRegressionTrainer.Fit(LinearDesign.Create(features, FitIntercept, Kind), targets, C, MaxIter, Tol, cancellation, start);
    }
}

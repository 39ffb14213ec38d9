using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// Fits least squares with an optional L2 penalty (scikit-learn's <c>LinearRegression</c> and
/// <c>Ridge</c>): the targets are centred with the features, the coefficients solved on the centred
/// data, and the intercept is <c>mean(y) - means . w</c>, so it is never penalised.
/// </summary>
internal static class LeastSquaresTrainer
{
    public static LinearPredictor Fit(LinearDesign design, double[] targets, double alpha, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(targets);
        var n = design.Rows;
        var p = design.Features;
        var targetMean = 0.0;
        if (design.Centred && n > 0)
        {
            var sum = 0.0;
            foreach (var t in targets)
            {
                sum += t;
            }

            targetMean = sum / n;
        }

        var centred = new double[n];
        for (var i = 0; i < n; i++)
        {
            centred[i] = targets[i] - targetMean;
        }

        var coefficients = alpha > 0 ? SolveRidge(design, centred, alpha, cancellation) : null;
        coefficients ??= SingularValueSolver.Solve(design, centred, alpha, cancellation);
        var intercept = 0.0;
        if (design.Centred)
        {
            intercept = targetMean;
            for (var j = 0; j < p; j++)
            {
                intercept -= design.Means[j] * coefficients[j];
            }
        }

        return new LinearPredictor(coefficients, intercept, (double[])design.Means.Clone(), Link.Identity);
    }

    /// <summary>
    /// Continues <paramref name="fitted"/> (coefficients <c>w0</c>, intercept <c>b0</c>) on new rows: minimises
    /// <c>|y - Xw - b|² + alpha |w - w0|²</c> by fitting <c>d = w - w0</c> to the residuals <c>y - (X w0 + b0)</c>; the
    /// intercept stays unpenalised. With <paramref name="alpha"/> 0 this is the refit on the new rows.
    /// </summary>
    public static LinearPredictor Continue(Predictor fitted, LinearDesign design, FeatureMatrix features, double[] targets, double alpha, string kind, CancellationToken cancellation)
    {
        if (fitted is not LinearPredictor { Link: Link.Identity } start || start.FeatureCount != design.Features)
        {
            throw new ArgumentException($"{kind} continues a linear regression of the same features, not {Predictors.Describe(fitted)}.", nameof(fitted));
        }

        var residuals = new double[targets.Length];
        for (var i = 0; i < residuals.Length; i++)
        {
            residuals[i] = targets[i] - start.PredictRaw(features.Row(i));
        }

        var step = Fit(design, residuals, alpha, cancellation);
        var coefficients = new double[design.Features];
        for (var j = 0; j < coefficients.Length; j++)
        {
            coefficients[j] = start.Coefficients[j] + step.Coefficients[j];
        }

        return new LinearPredictor(coefficients, start.Intercept + step.Intercept, step.FeatureMeans.ToArray(), Link.Identity);
    }

    /// <summary>
    /// Solves <c>(X'X + alpha I) w = X'y</c> by Cholesky, as scikit-learn's <c>Ridge</c> does; null when
    /// rounding leaves the matrix not positive definite (alpha tiny next to collinear features), and the
    /// caller then takes the singular value route.
    /// </summary>
    private static double[]? SolveRidge(LinearDesign design, double[] targets, double alpha, CancellationToken cancellation)
    {
        var p = design.Features;
        var gram = design.Gram(ReadOnlyMemory<double>.Empty, cancellation);
        for (var j = 0; j < p; j++)
        {
            gram[(j * p) + j] += alpha;
        }

        if (!Cholesky.TryFactor(gram, p))
        {
            return null;
        }

        var coefficients = design.TransposeTimes(targets);
        Cholesky.Solve(gram, p, coefficients);
        return coefficients;
    }
}

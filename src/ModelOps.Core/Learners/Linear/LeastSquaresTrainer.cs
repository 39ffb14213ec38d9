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

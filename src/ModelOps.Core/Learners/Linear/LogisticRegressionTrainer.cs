namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// Fits L2-penalised binary logistic regression by Newton's method: it minimises
/// <c>F = sum(log(1 + exp(z)) - y z) + ||w||^2 / (2C)</c> with <c>z = X w + b</c>, the intercept b
/// unpenalised. Each step solves <c>H d = -g</c> by Cholesky (H = X'DX + I/C, positive definite for
/// C &lt; infinity) and halves the step until F falls enough (Armijo). Features are centred when an
/// intercept is fitted, which separates b from w and keeps H well conditioned.
/// </summary>
internal static class LogisticRegressionTrainer
{
    private const double ArmijoFraction = 1e-4;
    private const int MaxHalvings = 40;
    private const int MaxJitters = 10;
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Minimises the log loss plus <c>|w - w0|² / 2C</c>: <c>w0</c> is zero, or with <paramref name="start"/> (continued
    /// training) its coefficients, from which the search also starts.
    /// </summary>
    public static LinearPredictor Fit(LinearDesign design, double[] targets, double c, int maxIter, double tol, CancellationToken cancellation, LinearPredictor? start = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(targets);
        var p = design.Features;
        var center = start is null ? new double[p] : start.Coefficients.ToArray();
        var objective = new Objective(design, targets, 1 / c, center);
        var q = objective.Parameters;
        var theta = new double[q];
        center.CopyTo(theta, 0);
        if (design.Centred)
        {
            // The centred design's intercept is the margin at the feature means.
            theta[p] = start is null ? StartingIntercept(targets) : start.Intercept + LinearDesign.Dot(design.Means, center);
        }

        var current = objective.CreateState();
        var trial = objective.CreateState();
        var value = objective.Evaluate(theta, current);
        var trialTheta = new double[q];
        var step = new double[q];
        for (var iteration = 0; iteration < maxIter; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (objective.LargestGradient(current) <= tol)
            {
                break;
            }

            if (!NewtonStep(objective, current, step, cancellation))
            {
                break;
            }

            var slope = LinearDesign.Dot(current.Gradient, step);
            if (!(slope < 0))
            {
                // Not a descent direction: rounding has taken over the gradient.
                break;
            }

            // Changes of F up to this are rounding noise of its sum over the rows.
            var noise = Math.Max(1, design.Rows) * MachineEpsilon * Math.Abs(value);
            var accepted = false;
            var trialValue = value;
            var t = 1.0;
            for (var halving = 0; halving <= MaxHalvings; halving++, t /= 2)
            {
                for (var k = 0; k < q; k++)
                {
                    trialTheta[k] = theta[k] + (t * step[k]);
                }

                trialValue = objective.Evaluate(trialTheta, trial);
                if (Math.Abs(trialValue - value) <= noise)
                {
                    // F cannot tell the points apart. Near the optimum the full Newton step is reliable,
                    // so the gradient decides; when it no longer shrinks, this is the optimum as
                    // closely as doubles hold it.
                    accepted = halving == 0 && L1(trial.Gradient) < L1(current.Gradient);
                    break;
                }

                if (trialValue <= value + (ArmijoFraction * t * slope))
                {
                    accepted = true;
                    break;
                }
            }

            if (!accepted)
            {
                break;
            }

            (theta, trialTheta) = (trialTheta, theta);
            (current, trial) = (trial, current);
            value = trialValue;
        }

        var coefficients = theta.AsSpan(0, p).ToArray();
        var intercept = 0.0;
        if (design.Centred)
        {
            intercept = theta[p];
            for (var j = 0; j < p; j++)
            {
                intercept -= design.Means[j] * coefficients[j];
            }
        }

        return new LinearPredictor(coefficients, intercept, (double[])design.Means.Clone(), Link.Logistic);
    }

    /// <summary>The log-odds of the class-1 share: the optimum of the intercept alone.</summary>
    private static double StartingIntercept(double[] targets)
    {
        var sum = 0.0;
        foreach (var y in targets)
        {
            sum += y;
        }

        var share = sum / targets.Length;
        return share > 0 && share < 1 ? Math.Log(share / (1 - share)) : 0;
    }

    private static double L1(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += Math.Abs(v);
        }

        return sum;
    }

    /// <summary>The Newton direction <c>-H^-1 g</c> into <paramref name="step"/>; false when H cannot be factored even with a small ridge added.</summary>
    private static bool NewtonStep(Objective objective, State state, double[] step, CancellationToken cancellation)
    {
        var hessian = objective.Hessian(state, cancellation);
        var q = objective.Parameters;
        var largestDiagonal = 0.0;
        for (var k = 0; k < q; k++)
        {
            largestDiagonal = Math.Max(largestDiagonal, hessian[(k * q) + k]);
        }

        var factor = (double[])hessian.Clone();
        var jitter = 1e-12 * Math.Max(1, largestDiagonal);
        for (var attempt = 0; !Cholesky.TryFactor(factor, q); attempt++)
        {
            // H is positive definite in exact arithmetic; a pivot lost to rounding (probabilities
            // saturated at 0 or 1) is restored with a ridge far below the curvature that matters.
            if (attempt == MaxJitters)
            {
                return false;
            }

            hessian.CopyTo(factor, 0);
            for (var k = 0; k < q; k++)
            {
                factor[(k * q) + k] += jitter;
            }

            jitter *= 10;
        }

        for (var k = 0; k < q; k++)
        {
            step[k] = -state.Gradient[k];
        }

        Cholesky.Solve(factor, q, step);
        return true;
    }

    /// <summary>The margins, residuals, curvatures and gradient at one parameter vector.</summary>
    private sealed class State(int rows, int parameters)
    {
        public double[] Margin { get; } = new double[rows];

        /// <summary>Probability minus label, per row.</summary>
        public double[] Residual { get; } = new double[rows];

        /// <summary>p (1 - p), per row: the Hessian weights.</summary>
        public double[] Curvature { get; } = new double[rows];

        /// <summary>dF/dw (centred coordinates) then dF/db.</summary>
        public double[] Gradient { get; } = new double[parameters];
    }

    /// <summary>The log-loss over the design penalised toward <c>center</c>; parameters are the p coefficients then, when centred, the intercept.</summary>
    private sealed class Objective(LinearDesign design, double[] targets, double inverseC, double[] center)
    {
        public int Parameters { get; } = design.Features + (design.Centred ? 1 : 0);

        public State CreateState() => new(design.Rows, Parameters);

        /// <summary>F at <paramref name="theta"/>; fills the state's margins, residuals, curvatures and gradient.</summary>
        public double Evaluate(double[] theta, State state)
        {
            var n = design.Rows;
            var p = design.Features;
            var margin = state.Margin;
            Array.Fill(margin, design.Centred ? theta[p] : 0);
            for (var j = 0; j < p; j++)
            {
                var w = theta[j];
                if (w == 0)
                {
                    continue;
                }

                LinearDesign.AddScaled(margin, w, design.Column(j));
            }

            var loss = 0.0;
            var residualSum = 0.0;
            for (var i = 0; i < n; i++)
            {
                var z = margin[i];
                double probability;
                double softplus;
                if (z >= 0)
                {
                    var e = Math.Exp(-z);
                    probability = 1 / (1 + e);
                    softplus = z + LogOnePlus(e);
                }
                else
                {
                    var e = Math.Exp(z);
                    probability = e / (1 + e);
                    softplus = LogOnePlus(e);
                }

                loss += softplus - (targets[i] * z);
                state.Residual[i] = probability - targets[i];
                state.Curvature[i] = probability * (1 - probability);
                residualSum += state.Residual[i];
            }

            var penalty = 0.0;
            for (var j = 0; j < p; j++)
            {
                var shift = theta[j] - center[j];
                penalty += shift * shift;
                state.Gradient[j] = LinearDesign.Dot(design.Column(j), state.Residual) + (shift * inverseC);
            }

            if (design.Centred)
            {
                state.Gradient[p] = residualSum;
            }

            return loss + (0.5 * inverseC * penalty);
        }

        /// <summary>
        /// The largest gradient component in the original (uncentred) coordinates, the objective
        /// scikit-learn's lbfgs tests against <c>tol</c>: <c>X'r = Xc'r + means * sum(r)</c>.
        /// </summary>
        public double LargestGradient(State state)
        {
            var p = design.Features;
            var largest = 0.0;
            var shift = design.Centred ? state.Gradient[p] : 0;
            for (var j = 0; j < p; j++)
            {
                largest = Math.Max(largest, Math.Abs(state.Gradient[j] + (design.Means[j] * shift)));
            }

            return Math.Max(largest, Math.Abs(shift));
        }

        /// <summary>H = [X'DX + I/C, X'd; d'X, sum d], row-major, q x q.</summary>
        public double[] Hessian(State state, CancellationToken cancellation)
        {
            var p = design.Features;
            var q = Parameters;
            var gram = design.Gram(state.Curvature, cancellation);
            var hessian = new double[q * q];
            for (var j = 0; j < p; j++)
            {
                gram.AsSpan(j * p, p).CopyTo(hessian.AsSpan(j * q, p));
                hessian[(j * q) + j] += inverseC;
            }

            if (design.Centred)
            {
                var curvatureSum = 0.0;
                foreach (var d in state.Curvature)
                {
                    curvatureSum += d;
                }

                for (var j = 0; j < p; j++)
                {
                    var value = LinearDesign.Dot(design.Column(j), state.Curvature);
                    hessian[(j * q) + p] = value;
                    hessian[(p * q) + j] = value;
                }

                hessian[(p * q) + p] = curvatureSum;
            }

            return hessian;
        }

        /// <summary>log(1 + x) accurate for small x (Goldberg 1991, theorem 4): the rounding of 1 + x is undone by x / (u - 1).</summary>
        private static double LogOnePlus(double x)
        {
            var u = 1 + x;
            return u == 1 ? x : Math.Log(u) * x / (u - 1);
        }
    }
}

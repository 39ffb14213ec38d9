namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// Least squares through the singular value decomposition, for any shape and rank: Householder QR
/// reduces X (n x p) to R (min(n, p) x p), then one-sided Jacobi rotations (Hestenes 1958; Demmel and
/// Veselic 1992) orthogonalise the columns of R, giving <c>R V = W</c> with orthogonal columns whose
/// norms are the singular values. Both steps are backward stable and never form <c>X'X</c>, so
/// collinear and rank-deficient features are handled without squaring the condition number.
/// </summary>
internal static class SingularValueSolver
{
    private const int MaxSweeps = 60;

    /// <summary>The gap between 1 and the next larger double, 2^-52 (numpy's <c>finfo(float).eps</c>).</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// The coefficients minimising <c>||X b - y||^2 + alpha ||b||^2</c>. With <paramref name="alpha"/> 0
    /// this is the minimum-norm least-squares answer: singular values below <c>eps * max(n, p)</c>
    /// times the largest count as zero (the default of numpy.linalg.lstsq and of MATLAB's pinv).
    /// </summary>
    public static double[] Solve(LinearDesign design, ReadOnlySpan<double> targets, double alpha, CancellationToken cancellation)
    {
        var n = design.Rows;
        var p = design.Features;
        var m = Math.Min(n, p);
        var a = (double[])design.Columns.Clone();
        var rhs = targets.ToArray();
        HouseholderQr(a, n, p, rhs, cancellation);

        // W starts as R: column j holds R[0..m, j] (zero below the diagonal).
        var w = new double[p * m];
        for (var j = 0; j < p; j++)
        {
            for (var i = 0; i <= Math.Min(j, m - 1); i++)
            {
                w[(j * m) + i] = a[(j * n) + i];
            }
        }

        var v = new double[p * p];
        for (var j = 0; j < p; j++)
        {
            v[(j * p) + j] = 1;
        }

        OrthogonaliseColumns(w, m, v, p, cancellation);

        var c = rhs.AsSpan(0, m);
        var squares = new double[p];
        var largest = 0.0;
        for (var j = 0; j < p; j++)
        {
            var column = w.AsSpan(j * m, m);
            squares[j] = LinearDesign.Dot(column, column);
            largest = Math.Max(largest, squares[j]);
        }

        // Compare squared singular values: s^2 <= (tol * s_max)^2.
        var relative = Math.Max(n, p) * MachineEpsilon;
        var tolerance = alpha > 0 ? 0 : relative * relative * largest;
        var coefficients = new double[p];
        for (var j = 0; j < p; j++)
        {
            if (squares[j] <= tolerance || squares[j] + alpha == 0)
            {
                continue;
            }

            var weight = LinearDesign.Dot(w.AsSpan(j * m, m), c) / (squares[j] + alpha);
            var vj = v.AsSpan(j * p, p);
            for (var k = 0; k < p; k++)
            {
                coefficients[k] += weight * vj[k];
            }
        }

        return coefficients;
    }

    /// <summary>
    /// Overwrites <paramref name="a"/> (n x p, column-major) with R in its upper triangle (rows 0..min(n, p))
    /// and <paramref name="rhs"/> with Q'rhs, by Householder reflections.
    /// </summary>
    private static void HouseholderQr(double[] a, int n, int p, double[] rhs, CancellationToken cancellation)
    {
        var m = Math.Min(n, p);
        for (var k = 0; k < m && k < n - 1; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            var x = a.AsSpan((k * n) + k, n - k);
            var norm = Math.Sqrt(LinearDesign.Dot(x, x));
            if (norm == 0)
            {
                continue;
            }

            // H = I - beta v v' with v = x - alpha e1 maps x to alpha e1; alpha takes the sign opposite
            // to x0 so that v0 = x0 - alpha does not cancel.
            var alpha = x[0] > 0 ? -norm : norm;
            var x0 = x[0];
            x[0] = x0 - alpha;
            var beta = 1 / (norm * (norm + Math.Abs(x0)));
            for (var j = k + 1; j < p; j++)
            {
                Reflect(x, a.AsSpan((j * n) + k, n - k), beta);
            }

            Reflect(x, rhs.AsSpan(k, n - k), beta);
            x[0] = alpha;
        }
    }

    private static void Reflect(ReadOnlySpan<double> v, Span<double> target, double beta)
    {
        LinearDesign.AddScaled(target, -beta * LinearDesign.Dot(v, target), v);
    }

    /// <summary>
    /// One-sided Jacobi: rotates pairs of columns of <paramref name="w"/> (p columns of length m) until
    /// every pair is orthogonal to rounding, applying the same rotations to <paramref name="v"/> (p x p).
    /// </summary>
    private static void OrthogonaliseColumns(double[] w, int m, double[] v, int p, CancellationToken cancellation)
    {
        for (var sweep = 0; sweep < MaxSweeps; sweep++)
        {
            cancellation.ThrowIfCancellationRequested();
            var rotated = false;
            for (var j = 0; j < p - 1; j++)
            {
                for (var k = j + 1; k < p; k++)
                {
                    var wj = w.AsSpan(j * m, m);
                    var wk = w.AsSpan(k * m, m);
                    var alpha = LinearDesign.Dot(wj, wj);
                    var beta = LinearDesign.Dot(wk, wk);
                    var gamma = LinearDesign.Dot(wj, wk);
                    if (alpha == 0 || beta == 0 || Math.Abs(gamma) <= MachineEpsilon * Math.Sqrt(alpha) * Math.Sqrt(beta))
                    {
                        continue;
                    }

                    rotated = true;

                    // The rotation by the smaller angle that makes the pair orthogonal: t = tan(theta)
                    // solves t^2 + 2 zeta t - 1 = 0.
                    var zeta = (beta - alpha) / (2 * gamma);
                    var t = Math.Sign(zeta == 0 ? 1 : zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + (zeta * zeta)));
                    var cos = 1 / Math.Sqrt(1 + (t * t));
                    var sin = cos * t;
                    Rotate(wj, wk, cos, sin);
                    Rotate(v.AsSpan(j * p, p), v.AsSpan(k * p, p), cos, sin);
                }
            }

            if (!rotated)
            {
                return;
            }
        }
    }

    private static void Rotate(Span<double> x, Span<double> y, double cos, double sin)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var xi = x[i];
            var yi = y[i];
            x[i] = (cos * xi) - (sin * yi);
            y[i] = (sin * xi) + (cos * yi);
        }
    }
}

namespace ModelOps.Core.Learners.Linear;

/// <summary>Cholesky factorisation <c>A = L L'</c> of a small symmetric positive definite matrix, and solves with it.</summary>
internal static class Cholesky
{
    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> (n x n, row-major) with L. Returns
    /// <see langword="false"/> when a pivot is not positive (A is not positive definite to rounding).
    /// </summary>
    public static bool TryFactor(Span<double> a, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.Slice(j * n, n);
            var diagonal = rowJ[j];
            for (var k = 0; k < j; k++)
            {
                diagonal -= rowJ[k] * rowJ[k];
            }

            if (!(diagonal > 0))
            {
                return false;
            }

            var pivot = Math.Sqrt(diagonal);
            rowJ[j] = pivot;
            for (var i = j + 1; i < n; i++)
            {
                var rowI = a.Slice(i * n, n);
                var value = rowI[j];
                for (var k = 0; k < j; k++)
                {
                    value -= rowI[k] * rowJ[k];
                }

                rowI[j] = value / pivot;
            }
        }

        return true;
    }

    /// <summary>Solves <c>L L' x = b</c> in place in <paramref name="b"/>, with L from <see cref="TryFactor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (var i = 0; i < n; i++)
        {
            var value = b[i];
            for (var k = 0; k < i; k++)
            {
                value -= l[(i * n) + k] * b[k];
            }

            b[i] = value / l[(i * n) + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var value = b[i];
            for (var k = i + 1; k < n; k++)
            {
                value -= l[(k * n) + i] * b[k];
            }

            b[i] = value / l[(i * n) + i];
        }
    }
}

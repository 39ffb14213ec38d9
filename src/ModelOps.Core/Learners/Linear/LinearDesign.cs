using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// The training features of a linear learner, column-major (column j is
/// <c>Columns[j * Rows .. (j + 1) * Rows)</c>) and centred on the training means when an intercept is
/// fitted, so the intercept separates from the coefficients and the solves are better conditioned.
/// </summary>
internal sealed class LinearDesign
{
    /// <summary>Rows per block of <see cref="Gram"/>: 512 rows of 200 features (800 KB) stay in a core's cache.</summary>
    private const int GramBlockRows = 512;

    private LinearDesign(double[] columns, int rows, int features, double[] means, bool centred)
    {
        Columns = columns;
        Rows = rows;
        Features = features;
        Means = means;
        Centred = centred;
    }

    /// <summary>The feature values, column after column (centred when <see cref="Centred"/>).</summary>
    public double[] Columns { get; }

    /// <summary>The number of rows, n.</summary>
    public int Rows { get; }

    /// <summary>The number of features, p.</summary>
    public int Features { get; }

    /// <summary>The training mean of each feature (kept by the predictor for linear SHAP).</summary>
    public double[] Means { get; }

    /// <summary>Whether <see cref="Columns"/> are centred (an intercept is fitted).</summary>
    public bool Centred { get; }

    /// <summary>Column <paramref name="j"/>.</summary>
    public ReadOnlySpan<double> Column(int j) => Columns.AsSpan(j * Rows, Rows);

    /// <summary>Copies <paramref name="features"/> column-major, checks every value is finite and centres the columns when <paramref name="fitIntercept"/>.</summary>
    /// <exception cref="TrainingDataException">A feature has missing (NaN) or infinite values.</exception>
    public static LinearDesign Create(FeatureMatrix features, bool fitIntercept, string kind)
    {
        ArgumentNullException.ThrowIfNull(features);
        var n = features.Rows;
        var p = features.Columns;
        var values = features.Values;
        var columns = new double[n * p];
        var means = new double[p];
        var missing = new int[p];
        var infinite = new int[p];

        // Rows in order: sequential reads, one sequential write stream per column.
        for (var r = 0; r < n; r++)
        {
            var row = values.Slice(r * p, p);
            for (var j = 0; j < p; j++)
            {
                var v = row[j];
                columns[(j * n) + r] = v;
                means[j] += v;
                if (!double.IsFinite(v))
                {
                    if (double.IsNaN(v))
                    {
                        missing[j]++;
                    }
                    else
                    {
                        infinite[j]++;
                    }
                }
            }
        }

        for (var j = 0; j < p && n > 0; j++)
        {
            means[j] /= n;
        }

        ThrowIfNotFinite(features.Names, missing, infinite, kind);
        if (fitIntercept)
        {
            for (var j = 0; j < p; j++)
            {
                var column = columns.AsSpan(j * n, n);
                var mean = means[j];
                for (var r = 0; r < n; r++)
                {
                    column[r] -= mean;
                }
            }
        }

        return new LinearDesign(columns, n, p, means, fitIntercept);
    }

    /// <summary>
    /// The Gram matrix <c>X'DX</c> (<c>X'X</c> when <paramref name="weights"/> is empty), p x p,
    /// row-major, both triangles filled. Rows are taken in blocks small enough to stay in cache while
    /// every pair of columns is multiplied (in parallel over the columns); each entry adds its block
    /// sums in block order, so the result does not depend on how the work is spread over the cores.
    /// </summary>
    public double[] Gram(ReadOnlyMemory<double> weights, CancellationToken cancellation)
    {
        var p = Features;
        var n = Rows;
        var gram = new double[p * p];
        var options = new ParallelOptions { CancellationToken = cancellation };
        cancellation.ThrowIfCancellationRequested();
        for (var start = 0; start < n; start += GramBlockRows)
        {
            var length = Math.Min(GramBlockRows, n - start);
            Parallel.For(0, p, options, j =>
            {
                var a = Columns.AsSpan((j * n) + start, length);
                var w = weights.IsEmpty ? default : weights.Span.Slice(start, length);
                var row = gram.AsSpan(j * p, j + 1);
                for (var k = 0; k <= j; k++)
                {
                    var b = Columns.AsSpan((k * n) + start, length);
                    row[k] += w.IsEmpty ? Dot(a, b) : Dot(a, b, w);
                }
            });
        }

        for (var j = 0; j < p; j++)
        {
            for (var k = 0; k < j; k++)
            {
                gram[(k * p) + j] = gram[(j * p) + k];
            }
        }

        return gram;
    }

    /// <summary><c>X'v</c>: the dot product of every column with <paramref name="vector"/>.</summary>
    public double[] TransposeTimes(ReadOnlySpan<double> vector)
    {
        var result = new double[Features];
        for (var j = 0; j < result.Length; j++)
        {
            result[j] = Dot(Column(j), vector);
        }

        return result;
    }

    /// <summary>
    /// The dot product, as four interleaved partial sums (element i goes to sum i mod 4) added at the
    /// end. Vector256 lanes hold exactly those sums, so the SIMD and scalar paths give the same bits
    /// on every machine.
    /// </summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var i = 0;
        var sums = Vector256<double>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var aStart = ref MemoryMarshal.GetReference(a);
            ref var bStart = ref MemoryMarshal.GetReference(b);
            for (; i + 3 < a.Length; i += 4)
            {
                sums += Vector256.LoadUnsafe(ref aStart, (nuint)i) * Vector256.LoadUnsafe(ref bStart, (nuint)i);
            }
        }

        double s0 = sums[0], s1 = sums[1], s2 = sums[2], s3 = sums[3];
        for (; i + 3 < a.Length; i += 4)
        {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }

        for (; i < a.Length; i++)
        {
            s0 += a[i] * b[i];
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>The weighted dot product <c>sum (a[i] * w[i]) * b[i]</c>, summed as <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> w)
    {
        var i = 0;
        var sums = Vector256<double>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var aStart = ref MemoryMarshal.GetReference(a);
            ref var bStart = ref MemoryMarshal.GetReference(b);
            ref var wStart = ref MemoryMarshal.GetReference(w);
            for (; i + 3 < a.Length; i += 4)
            {
                sums += Vector256.LoadUnsafe(ref aStart, (nuint)i) * Vector256.LoadUnsafe(ref wStart, (nuint)i) * Vector256.LoadUnsafe(ref bStart, (nuint)i);
            }
        }

        double s0 = sums[0], s1 = sums[1], s2 = sums[2], s3 = sums[3];
        for (; i + 3 < a.Length; i += 4)
        {
            s0 += a[i] * w[i] * b[i];
            s1 += a[i + 1] * w[i + 1] * b[i + 1];
            s2 += a[i + 2] * w[i + 2] * b[i + 2];
            s3 += a[i + 3] * w[i + 3] * b[i + 3];
        }

        for (; i < a.Length; i++)
        {
            s0 += a[i] * w[i] * b[i];
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary><c>y += factor * x</c>.</summary>
    public static void AddScaled(Span<double> y, double factor, ReadOnlySpan<double> x)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(factor);
            ref var xStart = ref MemoryMarshal.GetReference(x);
            ref var yStart = ref MemoryMarshal.GetReference(y);
            for (; i + 3 < y.Length; i += 4)
            {
                (Vector256.LoadUnsafe(ref yStart, (nuint)i) + (scale * Vector256.LoadUnsafe(ref xStart, (nuint)i))).StoreUnsafe(ref yStart, (nuint)i);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] += factor * x[i];
        }
    }

    private static void ThrowIfNotFinite(IReadOnlyList<string> names, int[] missing, int[] infinite, string kind)
    {
        List<string>? problems = null;
        var anyInfinite = false;
        for (var j = 0; j < names.Count; j++)
        {
            if (missing[j] > 0)
            {
                (problems ??= []).Add($"feature '{names[j]}' has missing values (NaN) at {RowCount(missing[j])}");
            }

            if (infinite[j] > 0)
            {
                (problems ??= []).Add($"feature '{names[j]}' has infinite values at {RowCount(infinite[j])}");
                anyInfinite = true;
            }
        }

        if (problems is not null)
        {
            var fix = anyInfinite
                ? "linear models need complete, finite features: impute, clip or drop them"
                : "linear models need complete features: impute or drop them";
            throw new TrainingDataException($"{kind}: {string.Join("; ", problems)}; {fix}.");
        }
    }

    private static string RowCount(int count) => count == 1 ? "1 row" : $"{count} rows";
}

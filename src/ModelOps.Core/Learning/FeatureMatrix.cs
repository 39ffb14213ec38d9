namespace ModelOps.Core.Learning;

/// <summary>
/// A dense row-major matrix of model features (the output of a feature pipeline): one row per
/// sample, one column per named feature. Missing values are NaN.
/// </summary>
public sealed class FeatureMatrix
{
    private readonly double[] _values;
    private readonly string[] _names;

    /// <summary>A matrix over <paramref name="values"/> (row-major, owned by the matrix from now on).</summary>
    /// <exception cref="ArgumentException">The value count is not rows x names.</exception>
    public FeatureMatrix(double[] values, int rows, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if ((long)rows * names.Count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill {rows} rows x {names.Count} features.", nameof(values));
        }

        _values = values;
        _names = [.. names];
        Rows = rows;
    }

    /// <summary>The number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>The number of columns (features).</summary>
    public int Columns => _names.Length;

    /// <summary>The feature names, in column order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>All values, row after row.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value at row <paramref name="row"/>, column <paramref name="column"/>.</summary>
    public double this[int row, int column] => _values[(row * _names.Length) + column];

    /// <summary>The values of one row.</summary>
    public ReadOnlySpan<double> Row(int row) => _values.AsSpan(row * _names.Length, _names.Length);

    /// <summary>A copy of one column's values.</summary>
    public double[] Column(int column)
    {
        var result = new double[Rows];
        var stride = _names.Length;
        for (var r = 0; r < result.Length; r++)
        {
            result[r] = _values[(r * stride) + column];
        }

        return result;
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public FeatureMatrix TakeRows(ReadOnlySpan<int> rows)
    {
        var stride = _names.Length;
        var values = new double[rows.Length * stride];
        for (var i = 0; i < rows.Length; i++)
        {
            _values.AsSpan(rows[i] * stride, stride).CopyTo(values.AsSpan(i * stride, stride));
        }

        return new FeatureMatrix(values, rows.Length, _names);
    }
}

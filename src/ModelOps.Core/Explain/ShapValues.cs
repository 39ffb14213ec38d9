using System.Text.Json;

namespace ModelOps.Core.Explain;

/// <summary>
/// SHAP values of many rows: one value per row and name (row-major), and the base value (the
/// model's expected raw output). For every row, <see cref="BaseValue"/> plus the row's values
/// equals the model's raw output (local accuracy).
/// </summary>
public sealed class ShapValues
{
    private readonly double[] _values;
    private readonly string[] _names;

    /// <summary>SHAP values over <paramref name="values"/> (row-major, owned from now on).</summary>
    public ShapValues(double[] values, int rows, IReadOnlyList<string> names, double baseValue)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(names);
        if ((long)rows * names.Count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill {rows} rows x {names.Count} names.", nameof(values));
        }

        _values = values;
        _names = [.. names];
        Rows = rows;
        BaseValue = baseValue;
    }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>What each value is attributed to: input columns or model features.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The expected raw output of the model over its training data.</summary>
    public double BaseValue { get; }

    /// <summary>All values, row after row.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The values of one row, one per name.</summary>
    public ReadOnlySpan<double> Row(int row) => _values.AsSpan(row * _names.Length, _names.Length);

    /// <summary>Writes one row as a JSON object, name to value (round-trip precision): the form the inference log and the Kafka outputs hold.</summary>
    public void WriteRow(Utf8JsonWriter writer, int row)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var values = Row(row);
        writer.WriteStartObject();
        for (var i = 0; i < values.Length; i++)
        {
            writer.WriteNumber(_names[i], values[i]);
        }

        writer.WriteEndObject();
    }

    /// <summary>The value of <paramref name="row"/> for <paramref name="name"/>.</summary>
    public double this[int row, string name]
    {
        get
        {
            var index = Array.IndexOf(_names, name);
            return index >= 0 ? _values[(row * _names.Length) + index] : throw new KeyNotFoundException($"No SHAP value named '{name}'; names are: {string.Join(", ", _names)}.");
        }
    }
}

/// <summary>What SHAP values are attributed to.</summary>
public enum ShapLevel
{
    /// <summary>Input columns: the values of a column's one-hot features are summed (the default).</summary>
    Input,

    /// <summary>The model's features, as the learner sees them (<c>season_1</c>, <c>season_2</c>, ...).</summary>
    Feature,
}

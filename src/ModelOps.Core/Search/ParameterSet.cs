using System.Collections;
using System.Globalization;

namespace ModelOps.Core.Search;

/// <summary>
/// One search candidate: learner parameter values by their config names (snake_case), in the
/// order of the search space. Immutable; two sets are equal when they hold the same names in the
/// same order with equal values.
/// </summary>
public sealed class ParameterSet : IReadOnlyList<KeyValuePair<string, object?>>, IEquatable<ParameterSet>
{
    private readonly KeyValuePair<string, object?>[] _values;

    /// <summary>A set of the given name/value pairs, in that order.</summary>
    /// <param name="values">The pairs; names must be distinct.</param>
    /// <exception cref="ArgumentException">A name is null or given twice.</exception>
    public ParameterSet(IEnumerable<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = [.. values];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in _values)
        {
            if (pair.Key is null || !seen.Add(pair.Key))
            {
                throw new ArgumentException($"Parameter names must be distinct and not null; '{pair.Key}' is not.", nameof(values));
            }
        }
    }

    /// <summary>The parameter names, in order.</summary>
    public IReadOnlyList<string> Names => Array.ConvertAll(_values, v => v.Key);

    /// <inheritdoc/>
    public int Count => _values.Length;

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The set has no such parameter.</exception>
    public object? this[string name]
    {
        get
        {
            foreach (var pair in _values)
            {
                if (string.Equals(pair.Key, name, StringComparison.Ordinal))
                {
                    return pair.Value;
                }
            }

            throw new KeyNotFoundException($"The parameter set has no '{name}'; it has: {string.Join(", ", Names)}.");
        }
    }

    /// <summary>The text of a parameter value as it is shown in messages and tables: invariant numbers, <c>true</c>/<c>false</c>, <c>null</c>.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(ParameterSet? other)
    {
        if (other is null || other._values.Length != _values.Length)
        {
            return false;
        }

        for (var i = 0; i < _values.Length; i++)
        {
            if (!string.Equals(_values[i].Key, other._values[i].Key, StringComparison.Ordinal) || !Equals(_values[i].Value, other._values[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ParameterSet);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var pair in _values)
        {
            hash.Add(pair.Key, StringComparer.Ordinal);
            hash.Add(pair.Value);
        }

        return hash.ToHashCode();
    }

    /// <summary>The pairs as <c>max_depth=3, learning_rate=0.1</c>.</summary>
    public override string ToString() => string.Join(", ", Array.ConvertAll(_values, v => $"{v.Key}={Format(v.Value)}"));
}

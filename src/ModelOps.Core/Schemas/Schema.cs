using System.Globalization;
using ModelOps.Core.Data;

namespace ModelOps.Core.Schemas;

/// <summary>
/// The expected shape of a frame: per column a type and rules (nullable, minimum, maximum,
/// allowed values, unique). <see cref="Check"/> coerces columns to their types and reports every
/// violation at once, like pandera with <c>coerce=True</c>.
/// </summary>
public sealed class Schema
{
    private readonly ColumnSchema[] _columns;
    private readonly ColumnRules[] _rules;

    /// <summary>A schema named <paramref name="name"/> over <paramref name="columns"/>.</summary>
    /// <param name="name">The schema name, used in messages.</param>
    /// <param name="columns">The column rules.</param>
    /// <param name="strict">Whether columns the schema does not list are violations (default: they are kept as they are).</param>
    /// <exception cref="ArgumentException">The rules contradict themselves; the message lists every problem.</exception>
    public Schema(string name, IEnumerable<ColumnSchema> columns, bool strict = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(columns);
        Name = name;
        Strict = strict;
        _columns = [.. columns];
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        _rules = new ColumnRules[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i];
            if (!names.Add(column.Name))
            {
                problems.Add($"column '{column.Name}' is listed more than once");
            }

            _rules[i] = ColumnRules.Create(column, problems);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Schema '{name}' is invalid: {string.Join("; ", problems)}.", nameof(columns));
        }
    }

    /// <summary>The schema name.</summary>
    public string Name { get; }

    /// <summary>Whether columns that the schema does not list are violations.</summary>
    public bool Strict { get; }

    /// <summary>The column rules, in order.</summary>
    public IReadOnlyList<ColumnSchema> Columns => _columns;

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> ColumnNames => Array.ConvertAll(_columns, c => c.Name);

    /// <summary>The type of each column, for readers that parse typed data.</summary>
    public IReadOnlyDictionary<string, ColumnType> ColumnTypes
    {
        get
        {
            var types = new Dictionary<string, ColumnType>(_columns.Length, StringComparer.Ordinal);
            foreach (var column in _columns)
            {
                types[column.Name] = column.Type;
            }

            return types;
        }
    }

    /// <summary>
    /// Coerces the columns of <paramref name="frame"/> to their types and checks every rule.
    /// </summary>
    /// <param name="frame">The data.</param>
    /// <param name="placeOf">For data read from a file, where in it a 0-based row is (<c>line 18</c>): examples then name that place.</param>
    /// <param name="source">The data's file or table as the user named it, for the message.</param>
    /// <returns>The frame with coerced columns (other columns unchanged, order kept).</returns>
    /// <exception cref="SchemaException">Any rule is broken; it lists every violation.</exception>
    public Frame Check(Frame frame, Func<int, string>? placeOf = null, string? source = null)
    {
        var result = Validate(frame, out var violations, placeOf);
        return violations.Count == 0 ? result : throw new SchemaException(Name, violations, source);
    }

    /// <summary>Like <see cref="Check"/> but returns the violations instead of throwing.</summary>
    /// <param name="frame">The data.</param>
    /// <param name="violations">Every rule broken, in schema column order.</param>
    /// <param name="placeOf">For data read from a file, where in it a 0-based row is (<c>line 18</c>): examples then name that place.</param>
    /// <returns>The frame with coerced columns (values that did not coerce are null).</returns>
    public Frame Validate(Frame frame, out IReadOnlyList<SchemaViolation> violations, Func<int, string>? placeOf = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var found = new List<SchemaViolation>();
        var result = frame;
        for (var i = 0; i < _columns.Length; i++)
        {
            var spec = _columns[i];
            if (!frame.TryGetColumn(spec.Name, out var column))
            {
                if (spec.Required)
                {
                    found.Add(new SchemaViolation(spec.Name, $"missing column (the data has: {string.Join(", ", frame.ColumnNames)})", 0, []));
                }

                continue;
            }

            var checkedColumn = _rules[i].Check(column, found);
            if (!ReferenceEquals(checkedColumn, column))
            {
                result = result.WithColumn(checkedColumn);
            }
        }

        if (Strict)
        {
            var listed = new HashSet<string>(ColumnNames, StringComparer.Ordinal);
            foreach (var name in frame.ColumnNames)
            {
                if (!listed.Contains(name))
                {
                    found.Add(new SchemaViolation(name, "unexpected column (the schema is strict)", 0, []));
                }
            }
        }

        if (placeOf is not null)
        {
            for (var i = 0; i < found.Count; i++)
            {
                found[i] = found[i].AtPlaces(placeOf);
            }
        }

        violations = found;
        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Schema '{Name}' ({_columns.Length} columns)";

    /// <summary>One column's rules, with allowed values parsed once for the column type.</summary>
    private sealed class ColumnRules
    {
        private readonly ColumnSchema _spec;
        private HashSet<double>? _allowedNumbers;
        private HashSet<string>? _allowedText;
        private HashSet<DateTime>? _allowedDates;

        private ColumnRules(ColumnSchema spec)
        {
            _spec = spec;
        }

        public static ColumnRules Create(ColumnSchema spec, List<string> problems)
        {
            var rules = new ColumnRules(spec);
            var numeric = spec.Type is ColumnType.Float64 or ColumnType.Int64;
            if ((spec.Minimum is not null || spec.Maximum is not null) && !numeric)
            {
                problems.Add($"column '{spec.Name}': minimum and maximum need a numeric type, not {spec.Type.ToName()}");
            }

            if (spec.Minimum is { } min && spec.Maximum is { } max && min > max)
            {
                problems.Add($"column '{spec.Name}': minimum {Text(min)} is above maximum {Text(max)}");
            }

            if (spec.AllowedValues is { } allowed)
            {
                rules.ParseAllowed(allowed, problems);
            }

            return rules;
        }

        private void ParseAllowed(IReadOnlyList<string> allowed, List<string> problems)
        {
            switch (_spec.Type)
            {
                case ColumnType.Float64 or ColumnType.Int64:
                    _allowedNumbers = [];
                    foreach (var value in allowed)
                    {
                        if (ValueParsing.TryParseDouble(value, out var number))
                        {
                            _allowedNumbers.Add(number);
                        }
                        else
                        {
                            problems.Add($"column '{_spec.Name}': allowed value '{value}' is not a number");
                        }
                    }

                    break;
                case ColumnType.Bool:
                    _allowedNumbers = [];
                    foreach (var value in allowed)
                    {
                        if (ValueParsing.TryParseBool(value, out var flag))
                        {
                            _allowedNumbers.Add(flag ? 1 : 0);
                        }
                        else
                        {
                            problems.Add($"column '{_spec.Name}': allowed value '{value}' is not true or false");
                        }
                    }

                    break;
                case ColumnType.DateTime:
                    _allowedDates = [];
                    foreach (var value in allowed)
                    {
                        if (ValueParsing.TryParseDateTime(value, out var date))
                        {
                            _allowedDates.Add(date);
                        }
                        else
                        {
                            problems.Add($"column '{_spec.Name}': allowed value '{value}' is not an ISO 8601 date-time");
                        }
                    }

                    break;
                default:
                    _allowedText = new HashSet<string>(allowed, StringComparer.Ordinal);
                    break;
            }
        }

        public Column Check(Column column, List<SchemaViolation> found)
        {
            if (column.Type != _spec.Type)
            {
                if (!_spec.Coerce)
                {
                    found.Add(new SchemaViolation(_spec.Name, $"type {_spec.Type.ToName()} (found {column.Type.ToName()}, coercion is off)", 0, []));
                    return column;
                }

                var failures = new List<int>();
                var converted = Coercion.Convert(column, _spec.Type, failures);
                if (failures.Count > 0)
                {
                    found.Add(Violation($"type {_spec.Type.ToName()}", failures, column));
                }

                CheckValues(converted, column, failures, found);
                return converted;
            }

            CheckValues(column, column, [], found);
            return column;
        }

        private void CheckValues(Column column, Column original, List<int> coercionFailures, List<SchemaViolation> found)
        {
            if (!_spec.Nullable && column.NullCount > coercionFailures.Count)
            {
                var failed = new HashSet<int>(coercionFailures);
                var rows = new List<int>();
                for (var i = 0; i < original.Length; i++)
                {
                    if (original.IsNull(i) && !failed.Contains(i))
                    {
                        rows.Add(i);
                    }
                }

                if (rows.Count > 0)
                {
                    found.Add(Violation("not nullable", rows, original));
                }
            }

            if (_spec.Minimum is { } min)
            {
                CheckBound(column, $"minimum {Text(min)}", v => v >= min, found);
            }

            if (_spec.Maximum is { } max)
            {
                CheckBound(column, $"maximum {Text(max)}", v => v <= max, found);
            }

            if (_spec.AllowedValues is { } allowed)
            {
                CheckAllowed(column, $"allowed values [{string.Join(", ", allowed)}]", found);
            }

            if (_spec.Unique)
            {
                CheckUnique(column, found);
            }
        }

        private void CheckBound(Column column, string rule, Func<double, bool> within, List<SchemaViolation> found)
        {
            var rows = new List<int>();
            switch (column)
            {
                case Float64Column floats:
                    for (var i = 0; i < floats.Length; i++)
                    {
                        // NaN is within no bound.
                        if (!floats.IsNull(i) && !within(floats[i]))
                        {
                            rows.Add(i);
                        }
                    }

                    break;
                case Int64Column ints:
                    for (var i = 0; i < ints.Length; i++)
                    {
                        if (!ints.IsNull(i) && !within(ints[i]))
                        {
                            rows.Add(i);
                        }
                    }

                    break;
            }

            if (rows.Count > 0)
            {
                found.Add(Violation(rule, rows, column));
            }
        }

        private void CheckAllowed(Column column, string rule, List<SchemaViolation> found)
        {
            var rows = new List<int>();
            for (var i = 0; i < column.Length; i++)
            {
                if (column.IsNull(i))
                {
                    continue;
                }

                var ok = column switch
                {
                    Float64Column floats => _allowedNumbers!.Contains(floats[i]),
                    Int64Column ints => _allowedNumbers!.Contains(ints[i]),
                    BoolColumn bools => _allowedNumbers!.Contains(bools[i] ? 1 : 0),
                    DateTimeColumn dates => _allowedDates!.Contains(dates[i]),
                    StringColumn text => _allowedText!.Contains(text[i]!),
                    _ => true,
                };
                if (!ok)
                {
                    rows.Add(i);
                }
            }

            if (rows.Count > 0)
            {
                found.Add(Violation(rule, rows, column));
            }
        }

        private void CheckUnique(Column column, List<SchemaViolation> found)
        {
            var rows = new List<int>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var seenNumbers = new HashSet<long>();
            for (var i = 0; i < column.Length; i++)
            {
                if (column.IsNull(i))
                {
                    continue;
                }

                var first = column switch
                {
                    Int64Column ints => seenNumbers.Add(ints[i]),
                    Float64Column floats => seenNumbers.Add(BitConverter.DoubleToInt64Bits(floats[i] == 0 ? 0.0 : floats[i])),
                    StringColumn text => seenNumbers.Add(text.Codes[i]),
                    _ => seen.Add(column.Format(i)!),
                };
                if (!first)
                {
                    rows.Add(i);
                }
            }

            if (rows.Count > 0)
            {
                found.Add(Violation("unique (repeated value)", rows, column));
            }
        }

        private SchemaViolation Violation(string rule, List<int> rows, Column values)
        {
            var examples = new SchemaViolationExample[Math.Min(rows.Count, SchemaViolation.MaxExamples)];
            for (var i = 0; i < examples.Length; i++)
            {
                examples[i] = new SchemaViolationExample(rows[i], values.Format(rows[i]));
            }

            return new SchemaViolation(_spec.Name, rule, rows.Count, examples);
        }
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>
/// Collects one result column's values into a frame column of the type its table column maps to;
/// a value that does not fit (text in a REAL column of SQLite, which allows it) is an error naming
/// the row and column. A column without a type (SQLite) takes the type its values share.
/// </summary>
internal sealed class SqlColumnReader(string name, ColumnType? type)
{
    private readonly ColumnBuilder? _builder = type is { } known ? ColumnBuilder.Create(known) : null;
    private readonly List<object?>? _untyped = type is null ? [] : null;

    /// <summary>Appends <paramref name="value"/> (<see cref="DBNull"/> for null); returns the problem, or null.</summary>
    public string? Append(object value)
    {
        if (_untyped is not null)
        {
            _untyped.Add(value is DBNull ? null : value);
            return null;
        }

        if (value is DBNull)
        {
            _builder!.AppendNull();
            return null;
        }

        switch (_builder)
        {
            case Float64ColumnBuilder doubles when ToDouble(value) is { } number:
                doubles.Append(number);
                return null;
            case Int64ColumnBuilder longs when ToInt64(value) is { } integer:
                longs.Append(integer);
                return null;
            case BoolColumnBuilder flags when ToBool(value) is { } flag:
                flags.Append(flag);
                return null;
            case DateTimeColumnBuilder dates when ToDateTime(value) is { } date:
                dates.Append(date);
                return null;
            case StringColumnBuilder strings when ToText(value) is { } text:
                strings.Append(text);
                return null;
            default:
                return $"{Describe(value)} is not a {_builder!.Type.ToName()}";
        }
    }

    /// <summary>The column read.</summary>
    public Column Build()
    {
        if (_builder is not null)
        {
            return _builder.Build(name);
        }

        // Untyped: integers only give int64, numbers float64, anything else string (numbers in their invariant text).
        var type = ColumnType.Int64;
        foreach (var value in _untyped!)
        {
            type = value switch
            {
                null or long => type,
                double when type == ColumnType.Int64 => ColumnType.Float64,
                double => type,
                _ => ColumnType.String,
            };
        }

        var reader = new SqlColumnReader(name, type);
        foreach (var value in _untyped)
        {
            reader.Append(value ?? DBNull.Value);
        }

        return reader.Build();
    }

    private static double? ToDouble(object value) => value switch
    {
        double d => d,
        long l => l,
        int i => i,
        short s => s,
        float f => f,
        decimal m => (double)m,
        _ => null,
    };

    private static long? ToInt64(object value) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        _ => null,
    };

    private static bool? ToBool(object value) => value switch
    {
        bool b => b,
        long and (0 or 1) => (long)value == 1,
        string s when bool.TryParse(s, out var parsed) => parsed,
        _ => null,
    };

    private static DateTime? ToDateTime(object value)
    {
        switch (value)
        {
            case DateTime date:
                return date;
            case DateOnly day:
                return day.ToDateTime(TimeOnly.MinValue);
            case string text:
                // SQLite's own datetime() writes a space where ISO 8601 has a 'T'.
                var bytes = Encoding.UTF8.GetBytes(text.Length > 10 && text[10] == ' ' ? string.Concat(text.AsSpan(0, 10), "T", text.AsSpan(11)) : text);
                return Utf8ValueParser.TryParseDateTime(bytes, out var parsed, out _) ? parsed : null;
            default:
                return null;
        }
    }

    private static string? ToText(object value) => value switch
    {
        string s => s,
        Guid g => g.ToString(),
        char c => c.ToString(),
        long l => ValueFormat.Format(l),
        double d => ValueFormat.Format(d),
        _ => null,
    };

    private static string Describe(object value) => value switch
    {
        string s => $"'{DatasetException.Shorten(s)}'",
        byte[] bytes => string.Create(CultureInfo.InvariantCulture, $"a BLOB of {bytes.Length} bytes"),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };
}

using ModelOps.Core.Data;

namespace ModelOps.Core.Schemas;

/// <summary>
/// Converts a column to another type. A value that does not convert becomes null and its row
/// is reported in the failures list. Text columns are parsed once per distinct value.
/// </summary>
internal static class Coercion
{
    public static Column Convert(Column source, ColumnType target, List<int> failures)
    {
        if (source.Type == target)
        {
            return source;
        }

        return target switch
        {
            ColumnType.Float64 => ToFloat64(source, failures),
            ColumnType.Int64 => ToInt64(source, failures),
            ColumnType.Bool => ToBool(source, failures),
            ColumnType.DateTime => ToDateTime(source, failures),
            ColumnType.String => ToText(source),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown column type."),
        };
    }

    private static Column ToFloat64(Column source, List<int> failures)
    {
        var builder = new Float64ColumnBuilder(source.Length);
        switch (source)
        {
            case Int64Column ints:
                AppendMapped(ints, builder, v => v);
                break;
            case BoolColumn bools:
                AppendMapped(bools, builder, v => v ? 1.0 : 0.0);
                break;
            case StringColumn text:
                AppendParsed(text, ValueParsing.TryParseDouble, builder, failures);
                break;
            default:
                AppendAllFailed(source, builder, failures);
                break;
        }

        return builder.Build(source.Name);
    }

    private static Column ToInt64(Column source, List<int> failures)
    {
        var builder = new Int64ColumnBuilder(source.Length);
        switch (source)
        {
            case Float64Column floats:
                AppendConverted(floats, builder, failures, ValueParsing.TryToInt64);
                break;
            case BoolColumn bools:
                AppendMapped(bools, builder, v => v ? 1L : 0L);
                break;
            case StringColumn text:
                AppendParsed(text, ValueParsing.TryParseInt64, builder, failures);
                break;
            default:
                AppendAllFailed(source, builder, failures);
                break;
        }

        return builder.Build(source.Name);
    }

    private static Column ToBool(Column source, List<int> failures)
    {
        var builder = new BoolColumnBuilder(source.Length);
        switch (source)
        {
            case Int64Column ints:
                AppendConverted(ints, builder, failures, TryToBool);
                break;
            case Float64Column floats:
                AppendConverted(floats, builder, failures, TryToBool);
                break;
            case StringColumn text:
                AppendParsed(text, ValueParsing.TryParseBool, builder, failures);
                break;
            default:
                AppendAllFailed(source, builder, failures);
                break;
        }

        return builder.Build(source.Name);
    }

    private static void AppendMapped<TIn, TOut>(ValueColumn<TIn> source, ValueColumnBuilder<TOut> builder, Func<TIn, TOut> map)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        for (var i = 0; i < source.Length; i++)
        {
            if (source.IsNull(i))
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(map(source[i]));
            }
        }
    }

    private delegate bool TryConvert<TIn, TOut>(TIn value, out TOut result);

    /// <summary>Appends each value converted; a value that does not convert is null and its row a failure.</summary>
    private static void AppendConverted<TIn, TOut>(ValueColumn<TIn> source, ValueColumnBuilder<TOut> builder, List<int> failures, TryConvert<TIn, TOut> convert)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        for (var i = 0; i < source.Length; i++)
        {
            if (source.IsNull(i))
            {
                builder.AppendNull();
            }
            else if (convert(source[i], out var value))
            {
                builder.Append(value);
            }
            else
            {
                failures.Add(i);
                builder.AppendNull();
            }
        }
    }

    // Only 0 and 1 are truth values; any other number does not convert.
    private static bool TryToBool(long number, out bool flag)
    {
        flag = number == 1;
        return number == 0 || number == 1;
    }

    private static bool TryToBool(double number, out bool flag)
    {
        flag = number == 1;
        return number == 0 || number == 1;
    }

    private static Column ToDateTime(Column source, List<int> failures)
    {
        var builder = new DateTimeColumnBuilder(source.Length);
        if (source is StringColumn text)
        {
            AppendParsed(text, ValueParsing.TryParseDateTime, builder, failures);
        }
        else
        {
            AppendAllFailed(source, builder, failures);
        }

        return builder.Build(source.Name);
    }

    private static Column ToText(Column source)
    {
        var builder = new StringColumnBuilder(source.Length);
        for (var i = 0; i < source.Length; i++)
        {
            var text = source.Format(i);
            if (text is null)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(text);
            }
        }

        return builder.Build(source.Name);
    }

    private delegate bool TryParse<T>(ReadOnlySpan<char> text, out T value);

    /// <summary>Appends each text parsed, parsing each distinct text once; a text that does not parse is null and its row a failure.</summary>
    private static void AppendParsed<T>(StringColumn text, TryParse<T> parse, ValueColumnBuilder<T> builder, List<int> failures)
        where T : unmanaged
    {
        var categories = text.Categories;
        var parsed = new (bool Ok, T Value)[categories.Count];
        for (var c = 0; c < parsed.Length; c++)
        {
            parsed[c].Ok = parse(categories[c], out parsed[c].Value);
        }

        var codes = text.Codes;
        for (var i = 0; i < codes.Length; i++)
        {
            var code = codes[i];
            if (code < 0)
            {
                builder.AppendNull();
            }
            else if (parsed[code].Ok)
            {
                builder.Append(parsed[code].Value);
            }
            else
            {
                failures.Add(i);
                builder.AppendNull();
            }
        }
    }

    private static void AppendAllFailed(Column source, ColumnBuilder builder, List<int> failures)
    {
        for (var i = 0; i < source.Length; i++)
        {
            if (!source.IsNull(i))
            {
                failures.Add(i);
            }

            builder.AppendNull();
        }
    }
}

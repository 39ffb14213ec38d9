using System.Globalization;
using ModelOps.Core.Data;

namespace ModelOps.Core.Schemas;

/// <summary>Invariant parsing of text into each <see cref="ColumnType"/>, shared by coercion and schema checks.</summary>
internal static class ValueParsing
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm:ssK",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    ];

    public static bool TryParseDouble(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryParseInt64(ReadOnlySpan<char> text, out long value)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        // "3.0" is the integer 3; "3.5" is not an integer.
        if (TryParseDouble(text, out var number) && TryToInt64(number, out value))
        {
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryToInt64(double number, out long value)
    {
        if (double.IsFinite(number) && Math.Floor(number) == number && number >= -9.2233720368547758E18 && number < 9.2233720368547758E18)
        {
            value = (long)number;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryParseBool(ReadOnlySpan<char> text, out bool value)
    {
        var trimmed = text.Trim();
        if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) || trimmed.SequenceEqual("1"))
        {
            value = true;
            return true;
        }

        if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase) || trimmed.SequenceEqual("0"))
        {
            value = false;
            return true;
        }

        value = false;
        return false;
    }

    public static bool TryParseDateTime(ReadOnlySpan<char> text, out DateTime value) =>
        DateTime.TryParseExact(text.Trim(), DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value);
}

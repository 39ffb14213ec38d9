using System.Globalization;

namespace ModelOps.Core.Data;

/// <summary>
/// The one invariant text form of values, used by writers and messages: shortest round-trip
/// floats, ISO 8601 date-times (date only at midnight), <c>true</c>/<c>false</c>.
/// </summary>
public static class ValueFormat
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string DateTimeFormat = "yyyy-MM-ddTHH:mm:ss.FFFFFFF";

    /// <summary>Shortest text that parses back to the same double (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> for the special values).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Invariant integer text.</summary>
    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static string Format(bool value) => value ? "true" : "false";

    /// <summary>ISO 8601: <c>yyyy-MM-dd</c> at midnight, else <c>yyyy-MM-ddTHH:mm:ss[.fffffff]</c>, with <c>Z</c> for UTC.</summary>
    public static string Format(DateTime value)
    {
        Span<char> buffer = stackalloc char[40];
        return TryFormat(value, buffer, out var written) ? new string(buffer[..written]) : value.ToString("O", CultureInfo.InvariantCulture);
    }

    /// <summary>Formats <paramref name="value"/> like <see cref="Format(double)"/> without allocating.</summary>
    public static bool TryFormat(double value, Span<char> destination, out int written) =>
        value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);

    /// <summary>Formats <paramref name="value"/> like <see cref="Format(long)"/> without allocating.</summary>
    public static bool TryFormat(long value, Span<char> destination, out int written) =>
        value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);

    /// <summary>Formats <paramref name="value"/> like <see cref="Format(DateTime)"/> without allocating.</summary>
    public static bool TryFormat(DateTime value, Span<char> destination, out int written)
    {
        var format = value.TimeOfDay == TimeSpan.Zero && value.Kind != DateTimeKind.Utc ? DateFormat : DateTimeFormat;
        if (!value.TryFormat(destination, out written, format, CultureInfo.InvariantCulture))
        {
            return false;
        }

        if (value.Kind == DateTimeKind.Utc)
        {
            if (written >= destination.Length)
            {
                return false;
            }

            destination[written++] = 'Z';
        }

        return true;
    }
}

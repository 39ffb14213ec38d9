using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// Parses invariant-culture values straight from UTF-8 text, with fast paths for plain integers and
/// decimals. Each parser also says whether the text is <em>canonical</em>: exactly what
/// <see cref="ValueFormat"/> writes for the parsed value. A reader that later turns a column into
/// strings keeps the original text only of values that are not canonical (see <see cref="ColumnAccumulator"/>).
/// A parser may call a value non-canonical when it is (a conservative answer costs memory, never correctness).
/// </summary>
internal static class Utf8ValueParser
{
    private const NumberStyles IntegerStyle = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;
    private const NumberStyles FloatStyle = NumberStyles.Float;
    private const ulong MaxExactMantissa = 1UL << 53;

    // Powers of ten that are exact doubles: dividing an exact mantissa by one is correctly rounded (Clinger's fast path).
    private static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>The first type, in inference order, that accepts <paramref name="text"/>: int64, float64, bool, datetime, string.</summary>
    public static ColumnType Infer(ReadOnlySpan<byte> text)
    {
        if (TryParseInt64(text, false, out _, out _))
        {
            return ColumnType.Int64;
        }

        if (TryParseFloat64(text, false, out _, out _))
        {
            return ColumnType.Float64;
        }

        if (TryParseBool(text, out _, out _))
        {
            return ColumnType.Bool;
        }

        return TryParseDateTime(text, out _, out _) ? ColumnType.DateTime : ColumnType.String;
    }

    /// <summary>Whether <paramref name="text"/> parses as a value of <paramref name="type"/>.</summary>
    public static bool Accepts(ColumnType type, ReadOnlySpan<byte> text) => type switch
    {
        ColumnType.Int64 => TryParseInt64(text, false, out _, out _),
        ColumnType.Float64 => TryParseFloat64(text, false, out _, out _),
        ColumnType.Bool => TryParseBool(text, out _, out _),
        ColumnType.DateTime => TryParseDateTime(text, out _, out _),
        _ => true,
    };

    /// <summary>The type a column of <paramref name="current"/> values becomes when <paramref name="text"/> (which it rejects) arrives.</summary>
    public static ColumnType Widen(ColumnType? current, ReadOnlySpan<byte> text) => current switch
    {
        null => Infer(text),
        ColumnType.Int64 when TryParseFloat64(text, false, out _, out _) => ColumnType.Float64,
        _ => ColumnType.String,
    };

    /// <summary>Parses an integer: an optional sign and digits, surrounding white space allowed.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value, out bool canonical) =>
        TryParseInt64(text, checkCanonical: true, out value, out canonical);

    /// <summary>Parses an integer; <paramref name="canonical"/> is only computed when <paramref name="checkCanonical"/> (else false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseInt64(ReadOnlySpan<byte> text, bool checkCanonical, out long value, out bool canonical)
    {
        // Plain digits (at most 18, so no overflow) with an optional minus: small enough to inline into the column loops.
        var length = text.Length;
        if (length is > 0 and <= 18)
        {
            var negative = text[0] == (byte)'-';
            var i = negative ? 1 : 0;
            var start = i;
            ulong magnitude = 0;
            for (; i < length; i++)
            {
                var digit = (uint)(text[i] - '0');
                if (digit > 9)
                {
                    break;
                }

                magnitude = (magnitude * 10) + digit;
            }

            if (i == length && i > start)
            {
                value = negative ? -(long)magnitude : (long)magnitude;
                canonical = (length - start == 1 || text[start] != (byte)'0') && !(negative && magnitude == 0);
                return true;
            }
        }

        return TryParseInt64General(text, checkCanonical, out value, out canonical);
    }

    private static bool TryParseInt64General(ReadOnlySpan<byte> text, bool checkCanonical, out long value, out bool canonical)
    {
        if (long.TryParse(text, IntegerStyle, CultureInfo.InvariantCulture, out value))
        {
            canonical = checkCanonical && FormatsAs(value, text);
            return true;
        }

        canonical = false;
        return false;
    }

    /// <summary>Parses a double: decimal or exponent notation, <c>NaN</c>, <c>Infinity</c>, surrounding white space allowed.</summary>
    public static bool TryParseFloat64(ReadOnlySpan<byte> text, out double value, out bool canonical) =>
        TryParseFloat64(text, checkCanonical: true, out value, out canonical);

    /// <summary>Parses a double; <paramref name="canonical"/> is only computed when <paramref name="checkCanonical"/> (else false).</summary>
    public static bool TryParseFloat64(ReadOnlySpan<byte> text, bool checkCanonical, out double value, out bool canonical)
    {
        var length = text.Length;
        if (length is > 0 and <= 21)
        {
            var negative = text[0] == (byte)'-';
            var i = negative ? 1 : 0;
            var intStart = i;
            ulong mantissa = 0;
            for (; i < length; i++)
            {
                var digit = (uint)(text[i] - '0');
                if (digit > 9)
                {
                    break;
                }

                mantissa = (mantissa * 10) + digit;
            }

            var intDigits = i - intStart;
            var fracDigits = 0;
            var hasPoint = i < length && text[i] == (byte)'.';
            if (hasPoint)
            {
                var fracStart = ++i;
                for (; i < length; i++)
                {
                    var digit = (uint)(text[i] - '0');
                    if (digit > 9)
                    {
                        break;
                    }

                    mantissa = (mantissa * 10) + digit;
                }

                fracDigits = i - fracStart;
            }

            if (i == length && intDigits > 0 && (!hasPoint || fracDigits > 0) && intDigits + fracDigits <= 19 && mantissa <= MaxExactMantissa)
            {
                var magnitude = fracDigits == 0 ? (double)mantissa : mantissa / ExactPowersOfTen[fracDigits];
                value = negative ? -magnitude : magnitude;
                var plain = IsCanonicalDecimal(text, intStart, intDigits, fracDigits);
                canonical = plain ?? (checkCanonical && FormatsAs(value, text));
                return true;
            }
        }

        if (double.TryParse(text, FloatStyle, CultureInfo.InvariantCulture, out value))
        {
            canonical = checkCanonical && FormatsAs(value, text);
            return true;
        }

        canonical = false;
        return false;
    }

    /// <summary>
    /// Whether a plain decimal (digits, optional point and digits) is what the shortest round-trip format
    /// writes. No when it has a leading zero or a trailing fractional zero; yes when it has at most 15
    /// significant digits (so no shorter text maps to the same double) and a magnitude written in fixed
    /// notation (1e-4 and up, below 1e15); otherwise unknown (null), and the caller formats to compare.
    /// </summary>
    private static bool? IsCanonicalDecimal(ReadOnlySpan<byte> text, int intStart, int intDigits, int fracDigits)
    {
        if (intDigits > 1 && text[intStart] == (byte)'0')
        {
            return false;
        }

        if (fracDigits > 0 && text[^1] == (byte)'0')
        {
            return false;
        }

        if (intDigits > 15)
        {
            return null;
        }

        if (fracDigits == 0)
        {
            return true;
        }

        if (intDigits > 1 || text[intStart] != (byte)'0')
        {
            return intDigits + fracDigits <= 15 ? true : null;
        }

        var fracStart = intStart + 2;
        var leadingZeros = 0;
        while (text[fracStart + leadingZeros] == (byte)'0')
        {
            leadingZeros++;
        }

        return leadingZeros <= 3 && fracDigits - leadingZeros <= 15 ? true : null;
    }

    private static bool FormatsAs(double value, ReadOnlySpan<byte> text)
    {
        Span<char> buffer = stackalloc char[32];
        return ValueFormat.TryFormat(value, buffer, out var written) && SameAscii(text, buffer[..written]);
    }

    private static bool FormatsAs(long value, ReadOnlySpan<byte> text)
    {
        Span<char> buffer = stackalloc char[24];
        return ValueFormat.TryFormat(value, buffer, out var written) && SameAscii(text, buffer[..written]);
    }

    /// <summary>Parses <c>true</c> or <c>false</c>, case-insensitive.</summary>
    public static bool TryParseBool(ReadOnlySpan<byte> text, out bool value, out bool canonical)
    {
        if (text.Length == 4 && Ascii.EqualsIgnoreCase(text, "true"u8))
        {
            value = true;
            canonical = text.SequenceEqual("true"u8);
            return true;
        }

        if (text.Length == 5 && Ascii.EqualsIgnoreCase(text, "false"u8))
        {
            value = false;
            canonical = text.SequenceEqual("false"u8);
            return true;
        }

        value = false;
        canonical = false;
        return false;
    }

    /// <summary>
    /// Parses ISO 8601 <c>yyyy-MM-dd</c> or <c>yyyy-MM-ddTHH:mm:ss</c> with an optional fraction of 1 to 7
    /// digits and an optional <c>Z</c> (UTC kind; otherwise the kind is unspecified).
    /// </summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> text, out DateTime value, out bool canonical)
    {
        value = default;
        canonical = false;
        if (text.Length < 10 || text.Length == 11 || text[4] != (byte)'-' || text[7] != (byte)'-')
        {
            return false;
        }

        var year = Digits(text, 0, 4);
        var month = Digits(text, 5, 2);
        var day = Digits(text, 8, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        if (text.Length == 10)
        {
            value = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
            canonical = true;
            return true;
        }

        if (text.Length < 19 || text[10] != (byte)'T' || text[13] != (byte)':' || text[16] != (byte)':')
        {
            return false;
        }

        var hour = Digits(text, 11, 2);
        var minute = Digits(text, 14, 2);
        var second = Digits(text, 17, 2);
        if (hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return false;
        }

        var i = 19;
        long ticks = 0;
        var lastFractionDigit = (byte)'1';
        if (i < text.Length && text[i] == (byte)'.')
        {
            var start = ++i;
            while (i < text.Length && i - start < 7 && (uint)(text[i] - '0') <= 9)
            {
                ticks = (ticks * 10) + (text[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits == 0)
            {
                return false;
            }

            lastFractionDigit = text[i - 1];
            for (var pad = digits; pad < 7; pad++)
            {
                ticks *= 10;
            }
        }

        var kind = DateTimeKind.Unspecified;
        if (i < text.Length && text[i] == (byte)'Z')
        {
            kind = DateTimeKind.Utc;
            i++;
        }

        if (i != text.Length)
        {
            return false;
        }

        value = new DateTime(year, month, day, hour, minute, second, kind).AddTicks(ticks);
        var midnight = value.TimeOfDay == TimeSpan.Zero;
        canonical = (kind == DateTimeKind.Utc || !midnight) && lastFractionDigit != (byte)'0';
        return true;
    }

    private static int Digits(ReadOnlySpan<byte> text, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return -1;
            }

            value = (value * 10) + (int)digit;
        }

        return value;
    }

    private static bool SameAscii(ReadOnlySpan<byte> utf8, ReadOnlySpan<char> chars)
    {
        if (utf8.Length != chars.Length)
        {
            return false;
        }

        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] != chars[i])
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Parses one type's values from UTF-8 text; implemented by structs so generic loops specialise per type.</summary>
/// <typeparam name="T">The value type.</typeparam>
internal interface IUtf8ValueParser<T>
{
    /// <summary>The value stored in null rows.</summary>
    static abstract T NullValue { get; }

    /// <summary>
    /// Parses <paramref name="text"/>; see <see cref="Utf8ValueParser"/> for <paramref name="canonical"/>, which
    /// may be left false when <paramref name="checkCanonical"/> is false and knowing costs time.
    /// </summary>
    static abstract bool TryParse(ReadOnlySpan<byte> text, bool checkCanonical, out T value, out bool canonical);
}

internal readonly struct Int64Parser : IUtf8ValueParser<long>
{
    public static long NullValue => 0L;

    public static bool TryParse(ReadOnlySpan<byte> text, bool checkCanonical, out long value, out bool canonical) =>
        Utf8ValueParser.TryParseInt64(text, checkCanonical, out value, out canonical);
}

internal readonly struct Float64Parser : IUtf8ValueParser<double>
{
    public static double NullValue => double.NaN;

    public static bool TryParse(ReadOnlySpan<byte> text, bool checkCanonical, out double value, out bool canonical) =>
        Utf8ValueParser.TryParseFloat64(text, checkCanonical, out value, out canonical);
}

internal readonly struct BoolParser : IUtf8ValueParser<bool>
{
    public static bool NullValue => false;

    public static bool TryParse(ReadOnlySpan<byte> text, bool checkCanonical, out bool value, out bool canonical) =>
        Utf8ValueParser.TryParseBool(text, out value, out canonical);
}

internal readonly struct DateTimeParser : IUtf8ValueParser<DateTime>
{
    public static DateTime NullValue => default;

    public static bool TryParse(ReadOnlySpan<byte> text, bool checkCanonical, out DateTime value, out bool canonical) =>
        Utf8ValueParser.TryParseDateTime(text, out value, out canonical);
}

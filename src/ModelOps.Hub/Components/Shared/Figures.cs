using System.Globalization;

namespace ModelOps.Hub.Components.Shared;

/// <summary>Numbers and times as the UI shows them: significant digits, thousands separators, UTC times.</summary>
internal static class Figures
{
    /// <summary>A metric value with 4 significant digits and thousands separators: <c>68.43</c>, <c>0.8123</c>, <c>12,345</c>.</summary>
    public static string Metric(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var magnitude = value == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(value)));
        if (magnitude >= 4)
        {
            return value.ToString("N0", CultureInfo.InvariantCulture);
        }

        var decimals = Math.Clamp(3 - magnitude, 0, 6);
        return Math.Round(value, decimals).ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
    }

    /// <summary>A change with its sign: <c>+1.25</c>, <c>-0.0031</c>.</summary>
    public static string SignedMetric(double value) => (value > 0 ? "+" : string.Empty) + Metric(value);

    /// <summary>A size in bytes, KiB or MiB: <c>812 B</c>, <c>1.4 MiB</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
    };

    /// <summary>How long from <paramref name="start"/> to <paramref name="end"/>: <c>850 ms</c>, <c>4.2 s</c>, <c>3 min 12 s</c>; empty while running.</summary>
    public static string Duration(DateTimeOffset start, DateTimeOffset? end)
    {
        if (end is not { } stop)
        {
            return string.Empty;
        }

        var span = stop - start;
        return span.TotalSeconds switch
        {
            < 1 => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
            < 60 => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s",
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min"),
        };
    }

    /// <summary>The start of a digest (<c>sha256:b03a2d02e8c1…</c>); the whole one goes in a tooltip.</summary>
    public static string ShortDigest(string digest) => digest.Length > 19 ? digest[..19] + "…" : digest;

    /// <summary>A count with thousands separators: <c>17,379</c>.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A UTC time to the minute: <c>2026-12-06 14:02 UTC</c>.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

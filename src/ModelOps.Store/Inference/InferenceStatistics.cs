namespace ModelOps.Store.Inference;

/// <summary>
/// The time cells of the inference statistics: every row counts in its minute, its hour and its day (UTC, aligned on
/// 1970-01-01), and a window is read as the fewest cells that tile it: days inside, hours and minutes at its edges.
/// </summary>
public static class InferenceStatistics
{
    /// <summary>A minute cell, in seconds.</summary>
    public const long MinuteSeconds = 60;

    /// <summary>An hour cell, in seconds.</summary>
    public const long HourSeconds = 3600;

    /// <summary>A day cell, in seconds.</summary>
    public const long DaySeconds = 86400;

    private const long MicrosPerSecond = 1_000_000;

    // Far enough for "no end": the start of year 9999, a whole number of days.
    private const long EndOfTime = 253_370_764_800L * MicrosPerSecond;

    /// <summary>
    /// The widest cell that fits a report bucket of <paramref name="bucket"/>: a day when the bucket is a whole number
    /// of days, an hour for whole hours, a minute for whole minutes, else <see langword="null"/> (no cell fits).
    /// </summary>
    public static long? WidestCell(TimeSpan bucket)
    {
        if (bucket <= TimeSpan.Zero || bucket.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return null;
        }

        var seconds = bucket.Ticks / TimeSpan.TicksPerSecond;
        return seconds % DaySeconds == 0 ? DaySeconds : seconds % HourSeconds == 0 ? HourSeconds : seconds % MinuteSeconds == 0 ? MinuteSeconds : null;
    }

    /// <summary>
    /// The cells that tile [<paramref name="from"/>, <paramref name="to"/>) widened to whole minutes (from down, to up:
    /// the minute under way at <paramref name="to"/> is in), as ranges of cell starts (microseconds) per
    /// width, no cell wider than <paramref name="widest"/> seconds: at most two ranges per width.
    /// </summary>
    public static IReadOnlyList<(long Width, long Start, long End)> Cover(DateTimeOffset? from, DateTimeOffset? to, long widest)
    {
        var (low, high) = Window(from, to);
        var ranges = new List<(long, long, long)>();
        long[] widths = [MinuteSeconds, HourSeconds, DaySeconds];
        for (var i = 0; i < widths.Length && low < high; i++)
        {
            var width = widths[i];
            if (i + 1 < widths.Length && widths[i + 1] <= widest)
            {
                var coarse = widths[i + 1] * MicrosPerSecond;
                var innerLow = Ceiling(low, coarse);
                var innerHigh = Floor(high, coarse);
                if (innerLow < innerHigh)
                {
                    Add(ranges, width, low, innerLow);
                    Add(ranges, width, innerHigh, high);
                    (low, high) = (innerLow, innerHigh);
                    continue;
                }
            }

            Add(ranges, width, low, high);
            break;
        }

        return ranges;
    }

    /// <summary>
    /// [<paramref name="from"/>, <paramref name="to"/>) widened to whole minutes, in microseconds since 1970-01-01 UTC
    /// (0 and the end of time for an open end): the rows a report of the window counts.
    /// </summary>
    public static (long Low, long High) Window(DateTimeOffset? from, DateTimeOffset? to) =>
        (from is { } f ? Floor(ToMicroseconds(f), MinuteSeconds * MicrosPerSecond) : 0L,
         to is { } t ? Ceiling(ToMicroseconds(t), MinuteSeconds * MicrosPerSecond) : EndOfTime);

    /// <summary>The start of the cell of width <paramref name="widthSeconds"/> that holds <paramref name="micros"/>.</summary>
    public static long CellStart(long micros, long widthSeconds) => Floor(micros, widthSeconds * MicrosPerSecond);

    /// <summary>Microseconds since 1970-01-01 UTC, as the logs store times.</summary>
    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (TimeSpan.TicksPerMillisecond / 1000);

    /// <summary>The time of <paramref name="micros"/> microseconds since 1970-01-01 UTC.</summary>
    public static DateTimeOffset FromMicroseconds(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * (TimeSpan.TicksPerMillisecond / 1000));

    private static void Add(List<(long, long, long)> ranges, long width, long start, long end)
    {
        if (start < end)
        {
            ranges.Add((width, start, end));
        }
    }

    private static long Floor(long value, long step)
    {
        var q = Math.DivRem(value, step, out var r);
        return (r < 0 ? q - 1 : q) * step;
    }

    private static long Ceiling(long value, long step) => -Floor(-value, step);
}

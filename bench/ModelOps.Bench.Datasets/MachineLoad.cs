using System.Globalization;

namespace ModelOps.Bench;

/// <summary>
/// The machine's busy CPU time (<c>/proc/stat</c>: all but idle and iowait) and this process's (<c>/proc/self/stat</c>:
/// user + system), in ticks of 1/100 s, so a measurement can say how busy other processes were during it. Linux only;
/// elsewhere both read zero.
/// </summary>
internal readonly record struct MachineLoad(long Busy, long Own)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static MachineLoad Read()
    {
        if (!File.Exists("/proc/stat"))
        {
            return default;
        }

        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var i = 1; i <= 8; i++)
        {
            busy += i is 4 or 5 ? 0 : long.Parse(cpu[i], CultureInfo.InvariantCulture);
        }

        // Fields 14 and 15 of stat (utime, stime) come 12th and 13th after the command's closing parenthesis.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var own = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new MachineLoad(busy, own);
    }

    /// <summary>CPU seconds other processes used from this reading until <paramref name="end"/>.</summary>
    public double OthersUntil(MachineLoad end) => Math.Max(0, (end.Busy - Busy) - (end.Own - Own)) / TicksPerSecond;

    /// <summary>CPU seconds this process used from this reading until <paramref name="end"/>.</summary>
    public double OwnUntil(MachineLoad end) => (end.Own - Own) / TicksPerSecond;
}

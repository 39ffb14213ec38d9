using System.Globalization;

namespace ModelOps.Bench.Kafka;

/// <summary>CPU seconds used in an interval: this process's threads by kind, and the rest of the machine.</summary>
/// <param name="Broker">The mock cluster's thread (<c>rdk:mock</c>): the Kafka broker, which runs elsewhere in production.</param>
/// <param name="Clients">librdkafka's client threads (<c>rdk:*</c>): fetching, sending, acknowledgements.</param>
/// <param name="Dotnet">Every other thread of this process: the pipeline's own thread, the scoring workers, the GC, Confluent.Kafka's poll threads.</param>
/// <param name="Others">Other processes on the machine (busy time of all cores minus this process's).</param>
internal readonly record struct CpuUse(double Broker, double Clients, double Dotnet, double Others)
{
    public double Process => Broker + Clients + Dotnet;
}

/// <summary>
/// The CPU counters at one moment, in ticks (1/100 s): this process's threads by kind and the machine's busy time; and
/// the garbage collector's collections (generations 0, 1, 2) and pause time so far.
/// </summary>
internal readonly record struct CpuReading(long Broker, long Clients, long Dotnet, long Busy, int Gen0, int Gen1, int Gen2, TimeSpan GcPause)
{
    /// <summary>The collections and pause time from this reading until <paramref name="end"/>.</summary>
    public string GcUntil(CpuReading end) => FormattableString.Invariant(
        $"GC {end.Gen0 - Gen0}/{end.Gen1 - Gen1}/{end.Gen2 - Gen2} collections of generations 0/1/2, {(end.GcPause - GcPause).TotalSeconds:F2} s paused");

    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The CPU used from this reading until <paramref name="end"/>.</summary>
    public CpuUse Until(CpuReading end)
    {
        var broker = (end.Broker - Broker) / TicksPerSecond;
        var clients = (end.Clients - Clients) / TicksPerSecond;
        var dotnet = (end.Dotnet - Dotnet) / TicksPerSecond;
        var busy = (end.Busy - Busy) / TicksPerSecond;
        return new CpuUse(broker, clients, dotnet, Math.Max(0, busy - broker - clients - dotnet));
    }
}

/// <summary>
/// Samples the CPU time of every thread of this process (from <c>/proc/self/task</c>, grouped by thread name) and the
/// machine's busy time (<c>/proc/stat</c>) every 200 ms, so threads that end between two readings (the clients a job
/// closes) still count with their last sample. Linux only; elsewhere every reading is zero.
/// </summary>
internal sealed class CpuMeter : IDisposable
{
    private readonly Dictionary<(int Id, long Started), (string Name, long Ticks)> _threads = [];
    private readonly Timer _timer;

    public CpuMeter()
    {
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The counters now.</summary>
    public CpuReading Read()
    {
        Sample();
        lock (_threads)
        {
            long broker = 0, clients = 0, dotnet = 0;
            foreach (var (name, ticks) in _threads.Values)
            {
                if (name == "rdk:mock")
                {
                    broker += ticks;
                }
                else if (name.StartsWith("rdk:", StringComparison.Ordinal))
                {
                    clients += ticks;
                }
                else
                {
                    dotnet += ticks;
                }
            }

            return new CpuReading(broker, clients, dotnet, MachineBusy(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return;
        }

        lock (_threads)
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var open = stat.IndexOf('(', StringComparison.Ordinal);
                    var close = stat.LastIndexOf(')');
                    var fields = stat[(close + 2)..].Split(' ');

                    // Fields 14, 15 and 22 of stat (utime, stime, starttime) come 12th, 13th and 20th after the name; a thread
                    // id can be reused, so a thread is its id and start.
                    var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                    var id = (int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture));
                    _threads[id] = (stat[(open + 1)..close], ticks);
                }
                catch (IOException)
                {
                    // The thread ended while it was read: its last sample stands.
                }
            }
        }
    }

    private static long MachineBusy()
    {
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        // cpu  user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = fields.Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return values.Sum() - values[3] - values[4];
    }
}

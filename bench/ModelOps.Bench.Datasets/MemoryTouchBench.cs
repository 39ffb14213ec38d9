using System.Diagnostics;
using System.Runtime.InteropServices;
using ModelOps.Core.Interop.Linux;

namespace ModelOps.Bench;

/// <summary>
/// What writing a frame column's memory costs on this machine (<c>modelops-bench memory-touch [--runs N]</c>), the cost
/// behind what is left of the Parquet read's conversion (docs/benchmarks.md, Parquet). One column of a 1,000,000-row
/// frame is an 8 MB array, filled once by a read. Three ways to get that memory, each filled with the same loop:
/// <list type="bullet">
/// <item><em>fresh</em>: allocated after the previous array died and a full collection ran, as every read into a new
/// frame gets its columns (the collector gives a dead large array's memory back to the system and maps it again);</item>
/// <item><em>prepared</em>: the same, made ready first as the product's readers do (<see cref="HugePages"/>: huge-page
/// advice and populated in one call; the call is timed with the fill);</item>
/// <item><em>reused</em>: one array written before and kept, as a memory pool reuses its buffers from read to read
/// (Arrow's reads do, in the Parquet benchmark's reference).</item>
/// </list>
/// Best and median milliseconds per fill over N rounds after a warm-up round, and milliseconds per MB.
/// </summary>
internal static class MemoryTouchBench
{
    private const int Length = 1_000_000;

    public static int Run(int runs)
    {
        var reused = new long[Length];
        Fill(reused);
        var fresh = new double[runs];
        var prepared = new double[runs];
        var warm = new double[runs];
        nint firstAddress = 0;
        var sameAddress = 0;
        for (var round = -1; round < runs; round++)
        {
            var (freshMs, address) = Time(() => GC.AllocateUninitializedArray<long>(Length));
            var (preparedMs, _) = Time(() => HugePages.AllocateUninitialized<long>(Length));
            var (warmMs, _) = Time(() => reused);
            if (round < 0)
            {
                firstAddress = address;
                continue;
            }

            sameAddress += address == firstAddress ? 1 : 0;
            fresh[round] = freshMs;
            prepared[round] = preparedMs;
            warm[round] = warmMs;
        }

        const double megabytes = Length * sizeof(long) / 1048576.0;
        Console.WriteLine($"one frame column: {Length:N0} int64 values, {megabytes:F1} MB; {runs} rounds after a warm-up");
        Console.WriteLine("| memory | best (ms) | median (ms) | ms per MB (best) |");
        Console.WriteLine("|---|---:|---:|---:|");
        Line("fresh: a new array after a full collection (a new frame's column)", fresh, megabytes);
        Line("prepared: the same, advised for huge pages and populated first (HugePages, as the readers do)", prepared, megabytes);
        Line("reused: an array written before and kept (a pool's buffer)", warm, megabytes);
        Console.WriteLine($"fresh arrays at the first round's address: {sameAddress} of {runs} (the same memory, given back and mapped again)");
        return 0;
    }

    // Collects (the previous array dies), gets the array, fills it; milliseconds from getting to filled, and where it lies.
    private static (double Milliseconds, nint Address) Time(Func<long[]> get)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var watch = Stopwatch.StartNew();
        var array = get();
        Fill(array);
        var milliseconds = watch.Elapsed.TotalMilliseconds;
        var pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        var address = pin.AddrOfPinnedObject();
        pin.Free();
        return (milliseconds, address);
    }

    private static void Fill(long[] array)
    {
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = i;
        }
    }

    private static void Line(string what, double[] milliseconds, double megabytes)
    {
        var sorted = milliseconds.Order().ToArray();
        var median = Samples.Median(sorted);
        Console.WriteLine(FormattableString.Invariant($"| {what} | {sorted[0]:F2} | {median:F2} | {sorted[0] / megabytes:F2} |"));
    }
}

using System.Diagnostics;
using System.Globalization;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;

namespace ModelOps.Bench;

/// <summary>
/// Stopwatch benchmarks run by bench/run.sh. Protocol (the same as the references): one warm-up run, then N timed
/// runs; prints best and median seconds, rows per second and memory.
/// Usage: modelops-bench csv FILE [--runs N]
///        modelops-bench parquet-data CSV PARQUET ROWS        (writes the Parquet benchmark's table, BenchTable)
///        modelops-bench parquet CSV PARQUET OUT_FOLDER [--runs N] [--only NAME[,NAME...]]   (ParquetBench; --only: those measurements, no checks, for profiling)
///        modelops-bench parquet-columns PARQUET [--runs N] [--only COLUMN]   (ParquetColumnsBench: the time column by column)
///        modelops-bench memory-touch [--runs N]   (MemoryTouchBench: what filling a frame column's fresh or reused memory costs)
/// </summary>
public static class Program
{
    private const string Usage = "usage: modelops-bench csv FILE [--runs N] | parquet-data CSV PARQUET ROWS | parquet CSV PARQUET OUT_FOLDER [--runs N] [--only NAME[,NAME...]] | parquet-columns PARQUET [--runs N] [--only COLUMN] | memory-touch [--runs N]";

    public static int Main(string[] args)
    {
        var runs = 5;
        string? only = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--runs")
            {
                runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--only")
            {
                only = args[i + 1];
            }
        }

        switch (args)
        {
            case ["csv", var path, ..]:
                return CsvRead(path, runs);
            case ["parquet-data", var csv, var parquet, var rows]:
                BenchTable.Write(csv, parquet, int.Parse(rows, CultureInfo.InvariantCulture));
                return 0;
            case ["parquet", var csv, var parquet, var outFolder, ..]:
                return ParquetBench.Run(csv, parquet, outFolder, runs, only);
            case ["parquet-columns", var parquet, ..]:
                return ParquetColumnsBench.Run(parquet, runs, only);
            case ["memory-touch", ..]:
                return MemoryTouchBench.Run(runs);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int CsvRead(string path, int runs)
    {
        var frame = Dataset.ReadCsv(path);
        Console.WriteLine($"warm-up: {frame}");
        Console.WriteLine($"types: {string.Join(", ", Types(frame))}");
        frame = null;
        var seconds = new double[runs];
        long allocated = 0;
        var rows = 0;
        for (var run = 0; run < runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var result = Dataset.ReadCsv(path);
            watch.Stop();
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            rows = result.RowCount;
            seconds[run] = watch.Elapsed.TotalSeconds;
            Console.WriteLine(FormattableString.Invariant($"run {run + 1}: {seconds[run]:F3} s"));
        }

        Array.Sort(seconds);
        var best = seconds[0];
        var median = Samples.Median(seconds);
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT name=modelops rows={rows} best_s={best:F4} median_s={median:F4} rows_per_s={rows / best:F0} allocated_mb={allocated / 1048576.0:F0} peak_rss_mb={peakMb:F0}"));
        return 0;
    }

    private static IEnumerable<string> Types(Frame frame)
    {
        foreach (var column in frame.Columns)
        {
            yield return $"{column.Name}:{column.Type.ToName()}";
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;

namespace ModelOps.Bench;

/// <summary>
/// The Parquet benchmark's .NET side, in one process (bench/parquet.sh runs it, then DuckDB): the product's CSV and
/// Parquet readers on the same table, the libraries' own column reads of the same file, and the product's and
/// Parquet.Net's writers of the same frame. Protocol: one warm-up round, the checks, then N rounds in which each
/// measurement runs once in turn (so a slow minute of the machine touches every line alike); each run after a full
/// garbage collection; best and median wall time, rows/s of the best run. Each run also records the CPU this process
/// used and the CPU other processes used meanwhile (from /proc), so a disturbed run can be seen, and each result also
/// gives the best of the undisturbed runs (other processes under 0.1 cores), for a machine shared with other work.
/// </summary>
internal static class ParquetBench
{
    /// <summary>A run counts as undisturbed when other processes used less than this many cores during it.</summary>
    private const double IdleCores = 0.1;

    private static readonly HashSet<string> FloatColumns = ["ratio", "weight"];

    /// <summary>Set by a measurement that times only part of its work (the rest is preparation).</summary>
    private static double? _timedSeconds;

    public static int Run(string csv, string parquet, string outFolder, int runs, string? only = null)
    {
        Directory.CreateDirectory(outFolder);
        var productOut = Path.Combine(outFolder, "parquet_write_modelops.parquet");
        var parquetNetOut = Path.Combine(outFolder, "parquet_write_parquetnet.parquet");
        var frame = Dataset.ReadParquet(parquet);
        var measurements = new (string Name, Func<long> Run)[]
        {
            ("csv_read", () => Dataset.ReadCsv(csv).RowCount),
            ("parquet_read", () => Dataset.ReadParquet(parquet).RowCount),
            ("arrow_columns", () => LibraryReads.Arrow(parquet, threads: false)),
            ("arrow_columns_threads", () => LibraryReads.Arrow(parquet, threads: true)),
            ("arrow_columns_by_column", () => LibraryReads.ArrowByColumn(parquet)),
            ("arrow_columns_kept", () => LibraryReads.ArrowByColumn(parquet, keep: true)),
            ("parquetsharp_logical", () => LibraryReads.Logical(parquet)),
            ("parquetnet_read", () => LibraryReads.ParquetNet(parquet)),
            ("parquetnet_frame", () => ParquetNetFrameRead.Read(parquet).RowCount),
            ("parquet_write", () =>
            {
                Dataset.WriteParquet(productOut, frame);
                return frame.RowCount;
            }),
            ("parquetnet_write", () =>
            {
                ParquetNetWrite.Write(parquetNetOut, frame, BenchTable.RowGroupSize);
                return frame.RowCount;
            }),
            ("file_io", () =>
            {
                // The I/O share of a write: the product's file, already encoded, written to a new file and flushed to disk.
                var bytes = File.ReadAllBytes(productOut);
                var copy = Path.Combine(outFolder, "parquet_io_copy.parquet");
                var watch = Stopwatch.StartNew();
                using (var stream = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                }

                _timedSeconds = watch.Elapsed.TotalSeconds;
                return frame.RowCount;
            }),
        };

        if (only is not null)
        {
            measurements = [.. measurements.Where(m => only.Split(',').Contains(m.Name))]; // one name, or several joined by commas
        }

        Console.WriteLine("warm-up round");
        foreach (var (name, run) in measurements)
        {
            var watch = Stopwatch.StartNew();
            var rows = run();
            Console.WriteLine(FormattableString.Invariant($"  {name}: {rows} rows, {watch.Elapsed.TotalSeconds:F3} s"));
        }

        var failed = only is null && Check(csv, parquet, productOut, parquetNetOut, frame, Path.Combine(outFolder, "parquet_expected.json"));

        var samples = measurements.Select(_ => new List<Sample>()).ToArray();
        for (var round = 0; round < runs; round++)
        {
            for (var m = 0; m < measurements.Length; m++)
            {
                var sample = Time(measurements[m].Run);
                samples[m].Add(sample);
                Console.WriteLine(FormattableString.Invariant(
                    $"run {round + 1} {measurements[m].Name}: {sample.Seconds:F3} s, this process {sample.OwnCpu / sample.Seconds:F2} cores, other processes {sample.OthersCpu / sample.Seconds:F2} cores"));
            }
        }

        for (var m = 0; m < measurements.Length; m++)
        {
            var runsOf = samples[m];
            var seconds = runsOf.Select(s => s.Seconds).Order().ToArray();
            var best = seconds[0];
            var median = Samples.Median(seconds);
            var wall = runsOf.Sum(s => s.Seconds);
            var othersMax = runsOf.Max(s => s.OthersCpu / s.Seconds);
            var idle = runsOf.Where(s => s.OthersCpu / s.Seconds < IdleCores).Select(s => s.Seconds).DefaultIfEmpty(double.NaN).Min();
            Console.WriteLine(FormattableString.Invariant(
                $"RESULT name={measurements[m].Name} rows={runsOf[0].Rows} best_s={best:F4} median_s={median:F4} rows_per_s={runsOf[0].Rows / best:F0} cores={runsOf.Sum(s => s.OwnCpu) / wall:F2} others_cores={runsOf.Sum(s => s.OthersCpu) / wall:F2} others_cores_max={othersMax:F2} idle_runs={runsOf.Count(s => s.OthersCpu / s.Seconds < IdleCores)} best_idle_s={idle:F4} allocated_mb={runsOf.Max(s => s.AllocatedBytes) / 1048576.0:F0} gcs={runsOf.Max(s => s.Gen0)}/{runsOf.Max(s => s.Gen1)}/{runsOf.Max(s => s.Gen2)}"));
        }

        Console.WriteLine(FormattableString.Invariant($"RESULT name=process peak_rss_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0}"));
        return failed ? 1 : 0;
    }

    private readonly record struct Sample(long Rows, double Seconds, double OwnCpu, double OthersCpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2);

    private static Sample Time(Func<long> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var load = MachineLoad.Read();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        _timedSeconds = null;
        var watch = Stopwatch.StartNew();
        var rows = run();
        watch.Stop();
        var end = MachineLoad.Read();
        var seconds = watch.Elapsed.TotalSeconds;
        var share = (_timedSeconds ?? seconds) / seconds;
        return new Sample(rows, _timedSeconds ?? seconds, load.OwnUntil(end) * share, load.OthersUntil(end) * share, GC.GetTotalAllocatedBytes(precise: true) - allocated,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
    }

    /// <summary>
    /// The checks, each printed as a <c>CHECK</c> line: the frame read from Parquet equals the frame read from the CSV
    /// cell for cell; the libraries' reads found every column's non-null values; the files the product and Parquet.Net
    /// wrote read back (with the product's reader) as the frame they were written from. Writes the row and non-null
    /// counts for the DuckDB side's checks.
    /// </summary>
    private static bool Check(string csv, string parquet, string productOut, string parquetNetOut, Frame frame, string expectedJson)
    {
        var failed = false;
        void Report(string name, long mismatches, List<string> first, string detail)
        {
            failed |= mismatches != 0;
            Console.WriteLine(FormattableString.Invariant($"CHECK {name}: {(mismatches == 0 ? "ok" : "FAILED")}, {detail}"));
            foreach (var line in first)
            {
                Console.WriteLine($"  {line}");
            }
        }

        var cells = (long)frame.RowCount * frame.ColumnCount;
        var first = new List<string>();
        var fromCsv = Dataset.ReadCsv(csv);
        Report("csv_equals_parquet", FrameComparison.Mismatches(fromCsv, frame, FloatColumns, kinds: true, first), first,
            FormattableString.Invariant($"{fromCsv.RowCount} x {fromCsv.ColumnCount} from CSV against {frame.RowCount} x {frame.ColumnCount} from Parquet, {cells} cells compared; types: {string.Join(", ", frame.Columns.Select(c => $"{c.Name} {c.Type.ToName()}"))}"));
        fromCsv = null;

        var expected = frame.Columns.Select(c => (long)(c.Length - c.NullCount)).ToArray();
        foreach (var (name, read) in new (string, Func<long[], long>)[]
        {
            ("arrow_columns_counts", counts => LibraryReads.Arrow(parquet, threads: false, counts)),
            ("arrow_columns_threads_counts", counts => LibraryReads.Arrow(parquet, threads: true, counts)),
            ("arrow_columns_by_column_counts", counts => LibraryReads.ArrowByColumn(parquet, counts)),
            ("parquetsharp_logical_counts", counts => LibraryReads.Logical(parquet, counts)),
            ("parquetnet_read_counts", counts => LibraryReads.ParquetNet(parquet, counts)),
        })
        {
            var counts = new long[frame.ColumnCount];
            var rows = read(counts);
            var differ = Enumerable.Range(0, counts.Length).Where(c => counts[c] != expected[c]).Select(c => $"{frame[c].Name}: {counts[c]} non-null against {expected[c]}").ToList();
            Report(name, differ.Count + (rows == frame.RowCount ? 0 : 1), differ, FormattableString.Invariant($"{rows} rows, every column's non-null values counted against the frame's"));
        }

        first = [];
        var fromParquetNet = ParquetNetFrameRead.Read(parquet);
        Report("parquetnet_frame_equals_parquet", FrameComparison.Mismatches(frame, fromParquetNet, FloatColumns, kinds: false, first), first,
            FormattableString.Invariant($"the frame built from Parquet.Net's reads against Dataset.ReadParquet's, {cells} cells compared (date-times by their ticks)"));
        fromParquetNet = null;

        foreach (var (name, path) in new[] { ("parquet_write_roundtrip", productOut), ("parquetnet_write_roundtrip", parquetNetOut) })
        {
            first = [];
            var back = Dataset.ReadParquet(path);
            Report(name, FrameComparison.Mismatches(frame, back, FloatColumns, kinds: false, first), first,
                FormattableString.Invariant($"{Path.GetFileName(path)} ({new FileInfo(path).Length / 1048576.0:F1} MB) read back by Dataset.ReadParquet: {back.RowCount} x {back.ColumnCount}, {cells} cells compared (date-times by their ticks: the file holds UTC instants)"));
        }

        File.WriteAllText(expectedJson, JsonSerializer.Serialize(new
        {
            rows = frame.RowCount,
            non_null = frame.Columns.ToDictionary(c => c.Name, c => c.Length - c.NullCount),
        }));
        return failed;
    }
}

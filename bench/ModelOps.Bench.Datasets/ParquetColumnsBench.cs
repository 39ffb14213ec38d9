using System.Diagnostics;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Parquet;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace ModelOps.Bench;

/// <summary>
/// Where a Parquet read's time goes, column by column (<c>modelops-bench parquet-columns FILE [--runs N]</c>): each
/// column read alone by the product into a frame and by ParquetSharp's Arrow API without a frame, on one thread each
/// (a single column keeps the product's reader on one core), best of N after a warm-up.
/// </summary>
internal static class ParquetColumnsBench
{
    public static int Run(string parquet, int runs, string? only = null)
    {
        string[] names;
        using (var metadata = new ParquetFileReader(parquet))
        {
            var schema = metadata.FileMetaData.Schema;
            names = [.. Enumerable.Range(0, schema.NumColumns).Select(c => schema.Column(c).Name)];
        }

        Console.WriteLine("| column | ModelOps into a frame (s) | Arrow arrays only (s) | conversion (s) |");
        Console.WriteLine("|---|---:|---:|---:|");
        double ours = 0, theirs = 0;
        for (var c = 0; c < names.Length; c++)
        {
            if (only is not null && names[c] != only)
            {
                continue;
            }

            var column = c;
            var frame = Best(runs, () => Dataset.ReadParquet(parquet, new ParquetReadOptions { Columns = [names[column]] }));
            var arrow = Best(runs, () => ArrowColumn(parquet, column));
            ours += frame;
            theirs += arrow;
            Console.WriteLine(FormattableString.Invariant($"| {names[c]} | {frame:F4} | {arrow:F4} | {frame - arrow:F4} |"));
        }

        Console.WriteLine(FormattableString.Invariant($"| all, one after another | {ours:F4} | {theirs:F4} | {ours - theirs:F4} |"));
        return 0;
    }

    private static double Best(int runs, Action run)
    {
        run();
        var best = double.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var watch = Stopwatch.StartNew();
            run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static void ArrowColumn(string path, int column)
    {
        using var properties = LibraryReads.ProductProperties(path);
        using var reader = new FileReader(path, arrowProperties: properties);
        for (var g = 0; g < reader.NumRowGroups; g++)
        {
            using var batches = reader.GetRecordBatchReader(rowGroups: [g], columns: [column]);
            while (batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
            {
                batch.Dispose();
            }
        }
    }
}

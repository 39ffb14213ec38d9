using System.ComponentModel.DataAnnotations;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets.Parquet;

namespace ModelOps.Jobs.Datasets.Writers;

/// <summary>
/// Writes a frame as a Parquet file (<c>KIND: ParquetWriter</c>): snappy (or zstd, or no) compression, row groups of
/// <see cref="RowGroupSize"/> rows, timestamps as <c>TIMESTAMP(MICROS, UTC)</c>; replaced atomically, the folder created when missing.
/// </summary>
public sealed record ParquetWriter : DatasetWriter
{
    /// <summary>The file to write, relative to the current directory.</summary>
    public required string Path { get; init; }

    /// <summary>The page compression: <c>Snappy</c>, <c>Zstd</c> or <c>None</c>.</summary>
    /// <value>Default: <c>Snappy</c>.</value>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    /// <summary>Rows per row group.</summary>
    /// <value>Default: 122,880; 1 to 100,000,000.</value>
    [Range(1, 100_000_000)]
    public int RowGroupSize { get; init; } = 122_880;

    /// <inheritdoc />
    public override Task<string> WriteAsync(Frame frame, CancellationToken cancellationToken = default) =>
        WriteFileAsync(Path, frame, (path, data, token) => Dataset.WriteParquet(path, data, new ParquetWriteOptions { Compression = Compression, RowGroupSize = RowGroupSize }, token), cancellationToken);

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems)
    {
        CheckPath(problems, Path);
        if (RowGroupSize is < 1 or > 100_000_000)
        {
            problems.Add($"row_group_size: must be 1 to 100000000 (found {RowGroupSize})");
        }
    }
}

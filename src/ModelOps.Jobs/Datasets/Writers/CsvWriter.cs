using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Writers;

/// <summary>
/// Writes a frame as a CSV file (<c>KIND: CsvWriter</c>) with <see cref="Dataset.WriteCsv(string, Frame, Csv.CsvWriteOptions?, CancellationToken)"/>:
/// header row, LF line breaks, invariant culture, replaced atomically; the folder is created when missing.
/// </summary>
public sealed record CsvWriter : DatasetWriter
{
    /// <summary>The file to write, relative to the current directory.</summary>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public override Task<string> WriteAsync(Frame frame, CancellationToken cancellationToken = default) =>
        WriteFileAsync(Path, frame, (path, data, token) => Dataset.WriteCsv(path, data, null, token), cancellationToken);

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems) => CheckPath(problems, Path);
}

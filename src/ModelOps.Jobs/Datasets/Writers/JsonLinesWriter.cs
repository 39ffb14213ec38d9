using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Writers;

/// <summary>
/// Writes a frame as a JSON lines file (<c>KIND: JsonLinesWriter</c>) with <see cref="Dataset.WriteJsonLines(string, Frame, CancellationToken)"/>,
/// replaced atomically; the folder is created when missing.
/// </summary>
public sealed record JsonLinesWriter : DatasetWriter
{
    /// <summary>The file to write, relative to the current directory.</summary>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public override Task<string> WriteAsync(Frame frame, CancellationToken cancellationToken = default) =>
        WriteFileAsync(Path, frame, Dataset.WriteJsonLines, cancellationToken);

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems) => CheckPath(problems, Path);
}

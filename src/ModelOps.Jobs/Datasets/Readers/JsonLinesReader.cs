using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets.JsonLines;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>
/// Reads a JSON lines file (<c>KIND: JsonLinesReader</c>, one object per line) with
/// <see cref="Dataset.ReadJsonLines(Stream, JsonLinesReadOptions?, CancellationToken)"/>.
/// </summary>
public sealed record JsonLinesReader : DatasetReader
{
    /// <summary>The file to read, relative to the current directory.</summary>
    public required string Path { get; init; }

    /// <summary>The keys to read, in the order of the frame.</summary>
    /// <value>Default <see langword="null"/>: every key, in the order first seen.</value>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Types of named keys; the others are inferred.</summary>
    /// <value>Default <see langword="null"/>: every key is inferred.</value>
    public IReadOnlyDictionary<string, ColumnType>? ColumnTypes { get; init; }

    /// <inheritdoc/>
    public override Task<DatasetRead> ReadAsync(CancellationToken cancellationToken = default) =>
        ReadFileAsync(
            Path,
            (stream, lines, token) => JsonLinesFrameReader.Read(stream, new JsonLinesReadOptions { Columns = Columns, ColumnTypes = ColumnTypes, Limit = RowLimit }, Path, lines, token),
            cancellationToken);

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems)
    {
        CheckPath(problems, Path);
        CheckColumns(problems, Columns, ColumnTypes);
    }
}

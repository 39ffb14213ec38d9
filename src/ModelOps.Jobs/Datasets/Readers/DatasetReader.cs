using System.ComponentModel.DataAnnotations;
using ModelOps.Core.Data;
using ModelOps.Jobs.Schemas;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// A config node that reads one frame; its <c>KIND</c> is <c>CsvReader</c>, <c>JsonLinesReader</c> or
/// <c>SqlReader</c> (see <see cref="DatasetKinds.AddDatasets"/> and <c>docs/datasets.md</c>).
/// </summary>
/// <remarks>
/// Content problems (a missing file or table, a malformed row, an unknown column) raise
/// <see cref="DatasetException"/> naming the path or table; a frame that breaks <see cref="Schema"/>
/// raises <see cref="Core.Schemas.SchemaException"/> listing every violation; an invalid schema file
/// raises <see cref="Configuration.ConfigException"/>; invalid settings raise one
/// <see cref="ArgumentException"/> listing every problem (see <see cref="DatasetSettings.Validate"/>).
/// </remarks>
public abstract record DatasetReader : DatasetSettings
{
    /// <summary>At most this many rows (the first rows in file or table order); must be 1 or more.</summary>
    /// <value>Default <see langword="null"/>: every row.</value>
    [Range(1, long.MaxValue)]
    public long? Limit { get; init; }

    /// <summary>
    /// A schema file (YAML or JSON, see <c>docs/schemas.md</c>) the frame read is checked and coerced with;
    /// relative to the current directory.
    /// </summary>
    /// <value>Default <see langword="null"/>: the frame is returned as read.</value>
    public string? Schema { get; init; }

    /// <summary>Reads the frame; relative paths are relative to the current directory.</summary>
    /// <exception cref="DatasetException">The source is missing or its content cannot be read.</exception>
    /// <exception cref="Core.Schemas.SchemaException">The frame breaks <see cref="Schema"/>.</exception>
    /// <exception cref="ArgumentException">The settings are invalid (see <see cref="DatasetSettings.Validate"/>).</exception>
    public abstract Task<DatasetRead> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the frame inside a job whose store is <paramref name="jobStore"/>: a reader of the store itself (<see cref="Readers.GroupLogReader"/>) reads that one; the others read as <see cref="ReadAsync(CancellationToken)"/>.</summary>
    public virtual Task<DatasetRead> ReadAsync(Store.IModelStore jobStore, CancellationToken cancellationToken = default) => ReadAsync(cancellationToken);

    /// <inheritdoc/>
    private protected sealed override void CollectSharedProblems(List<string> problems)
    {
        if (Schema is { Length: 0 })
        {
            problems.Add("schema: must not be empty (leave it out to read without a schema)");
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> through <paramref name="parse"/> on a pool thread, hashing every byte of the file;
    /// <paramref name="parse"/> records the line each row starts on, so that data errors found later name lines.
    /// </summary>
    private protected Task<DatasetRead> ReadFileAsync(string path, Func<Stream, RowLines, CancellationToken, Frame> parse, CancellationToken cancellationToken)
    {
        ThrowIfInvalid();
        return Task.Run(
            () =>
            {
                using var stream = Readers.HashingReadStream.Open(path);
                var lines = new RowLines();
                var frame = parse(stream, lines, cancellationToken);
                var digest = stream.Finish(cancellationToken);
                return ApplySchema(new DatasetRead(frame, System.IO.Path.GetFullPath(path), digest) { PlaceOf = lines.PlaceOf }, path);
            },
            cancellationToken);
    }

    /// <summary>The limit as a frame row count (a frame holds at most <see cref="int.MaxValue"/> rows).</summary>
    private protected int? RowLimit => Limit is { } limit ? (int)Math.Min(limit, int.MaxValue) : null;

    /// <summary>
    /// Checks and coerces <paramref name="read"/>'s frame with <see cref="Schema"/>, when one is set; the message
    /// names <paramref name="source"/> and, when <see cref="DatasetRead.PlaceOf"/> is known, where the examples are in it.
    /// </summary>
    private protected DatasetRead ApplySchema(DatasetRead read, string source)
    {
        if (Schema is null)
        {
            return read;
        }

        var schema = SchemaDocument.Load(Schema);
        return read with { Frame = schema.Check(read.Frame, read.PlaceOf, source) };
    }
}

/// <summary>A frame read by a <see cref="DatasetReader"/> and what lineage needs to know about it.</summary>
/// <param name="Frame">The rows read (after the limit and the schema).</param>
/// <param name="SourceUri">
/// Where it was read from: the absolute file path, <c>sqlite:/absolute/path.db#table</c>, or
/// <c>postgresql://user@host:port/database#table</c> (never a password).
/// </param>
/// <param name="Digest">
/// <c>sha256:</c> and 64 hex digits: of the file's bytes (the whole file, as <c>sha256sum</c> prints it,
/// even when a limit stops reading early), or for SQL of a canonical encoding of the rows read.
/// </param>
public sealed record DatasetRead(Frame Frame, string SourceUri, string Digest)
{
    /// <summary>
    /// For a file, where in it a 0-based row of <see cref="Frame"/> is, as messages about rows name it: <c>line 18</c>
    /// (the line a text file's row starts on), <c>row 17 (row group 0)</c> (Parquet).
    /// </summary>
    /// <value><see langword="null"/> for SQL tables: messages name their rows by position.</value>
    public Func<int, string>? PlaceOf { get; init; }

    /// <summary>The lineage record to log with <see cref="ITrackingStore.LogDatasetAsync"/>.</summary>
    /// <param name="name">The data set name, such as <c>inputs</c> or <c>targets</c>.</param>
    /// <param name="context">What it is used for: <c>training</c>, <c>tuning</c>, <c>evaluation</c>, <c>inference</c>.</param>
    public DatasetLineage ToLineage(string name, string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(context);
        return DatasetLineages.FromFrame(name, context, SourceUri, Digest, Frame);
    }
}

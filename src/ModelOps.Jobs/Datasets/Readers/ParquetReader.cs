using System.Security.Cryptography;
using ModelOps.Jobs.Datasets.Parquet;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>
/// Reads Parquet (<c>KIND: ParquetReader</c>): one file, or a folder of part files (every <c>*.parquet</c> in it, in name
/// order) read as one data set, row group by row group (see <c>docs/datasets.md</c> for the types).
/// </summary>
public sealed record ParquetReader : DatasetReader
{
    /// <summary>The file, or a folder of part files, relative to the current directory.</summary>
    public required string Path { get; init; }

    /// <summary>The columns to read, in the order of the frame (only these are read from the file).</summary>
    /// <value>Default <see langword="null"/>: every column, in file order.</value>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <inheritdoc/>
    public override Task<DatasetRead> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid();
        return Task.Run(
            () =>
            {
                var files = Files(Path);
                var places = new ParquetRowPlaces();
                var frame = ParquetFrameReader.Read(files, new ParquetReadOptions { Columns = Columns, Limit = RowLimit }, places, cancellationToken);
                return ApplySchema(new DatasetRead(frame, System.IO.Path.GetFullPath(Path), Digest(files, cancellationToken)) { PlaceOf = places.PlaceOf }, Path);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems)
    {
        CheckPath(problems, Path);
        CheckNames(problems, "columns", Columns);
    }

    /// <summary>The files of <paramref name="path"/>: itself, or a folder's <c>*.parquet</c> files in ordinal name order.</summary>
    internal static IReadOnlyList<string> Files(string path)
    {
        if (!Directory.Exists(path))
        {
            return File.Exists(path) ? [path] : throw new DatasetException($"{path}: file not found");
        }

        var parts = Directory.GetFiles(path, "*.parquet").Order(StringComparer.Ordinal).ToArray();
        return parts.Length > 0 ? parts : throw new DatasetException($"{path}: the folder has no .parquet files");
    }

    /// <summary>sha256 of the files' bytes one after another (for one file, what <c>sha256sum</c> prints).</summary>
    private static string Digest(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
            }
        }

        return ContentDigest.Format(hash.GetHashAndReset());
    }
}

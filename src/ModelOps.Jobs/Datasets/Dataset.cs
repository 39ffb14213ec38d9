using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets.Csv;
using ModelOps.Jobs.Datasets.JsonLines;
using ModelOps.Jobs.Datasets.Parquet;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// Reads and writes datasets (CSV, JSON lines) as <see cref="Frame"/>s, by path or on a stream.
/// Writing to a path is atomic: the file is replaced all at once or not at all.
/// </summary>
/// <remarks>
/// Content problems (malformed rows, values that do not parse as their given type, missing columns)
/// raise <see cref="DatasetException"/> naming the file, line and column; invalid options raise
/// <see cref="ArgumentException"/> listing every problem; I/O failures raise <see cref="IOException"/>.
/// </remarks>
public static class Dataset
{
    /// <summary>Reads the CSV file at <paramref name="path"/>; messages name the path unless <see cref="CsvReadOptions.SourceName"/> is set.</summary>
    public static Frame ReadCsv(string path, CsvReadOptions? options = null, CancellationToken cancellationToken = default) =>
        ReadCsv(path, options, null, cancellationToken);

    /// <summary>Reads the CSV file at <paramref name="path"/>, recording the line each row starts on in <paramref name="lines"/> when given.</summary>
    internal static Frame ReadCsv(string path, CsvReadOptions? options, RowLines? lines, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new CsvReadOptions();
        using var stream = OpenRead(path);
        return CsvFrameReader.Read(stream, options, options.SourceName ?? path, lines, cancellationToken);
    }

    /// <summary>Reads CSV from <paramref name="stream"/> (left open) in one streaming pass.</summary>
    public static Frame ReadCsv(Stream stream, CsvReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CsvReadOptions();
        return CsvFrameReader.Read(stream, options, options.SourceName ?? DatasetDefaults.StreamSourceName, null, cancellationToken);
    }

    /// <summary>Writes <paramref name="frame"/> as a CSV file at <paramref name="path"/>, replacing it atomically.</summary>
    /// <remarks>
    /// Reading the file back gives an equal frame, except that a column with no non-null value comes back
    /// as a string column unless <see cref="CsvReadOptions.ColumnTypes"/> names its type (CSV has no types).
    /// </remarks>
    public static void WriteCsv(string path, Frame frame, CsvWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        options ??= new CsvWriteOptions();
        options.Validate();
        AtomicFile.Write(path, stream => CsvFrameWriter.Write(stream, frame, options, cancellationToken));
    }

    /// <summary>Writes <paramref name="frame"/> as CSV to <paramref name="stream"/> (flushed, left open).</summary>
    public static void WriteCsv(Stream stream, Frame frame, CsvWriteOptions? options = null, CancellationToken cancellationToken = default) =>
        CsvFrameWriter.Write(stream, frame, options ?? new CsvWriteOptions(), cancellationToken);

    /// <summary>Reads the JSON lines file at <paramref name="path"/>; messages name the path unless <see cref="JsonLinesReadOptions.SourceName"/> is set.</summary>
    public static Frame ReadJsonLines(string path, JsonLinesReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new JsonLinesReadOptions();
        using var stream = OpenRead(path);
        return JsonLinesFrameReader.Read(stream, options, options.SourceName ?? path, null, cancellationToken);
    }

    /// <summary>Reads JSON lines from <paramref name="stream"/> (left open) in one streaming pass.</summary>
    public static Frame ReadJsonLines(Stream stream, JsonLinesReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new JsonLinesReadOptions();
        return JsonLinesFrameReader.Read(stream, options, options.SourceName ?? DatasetDefaults.StreamSourceName, null, cancellationToken);
    }

    /// <summary>Writes <paramref name="frame"/> as a JSON lines file at <paramref name="path"/>, replacing it atomically.</summary>
    public static void WriteJsonLines(string path, Frame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        AtomicFile.Write(path, stream => JsonLinesFrameWriter.Write(stream, frame, cancellationToken));
    }

    /// <summary>Writes <paramref name="frame"/> as JSON lines to <paramref name="stream"/> (flushed, left open).</summary>
    public static void WriteJsonLines(Stream stream, Frame frame, CancellationToken cancellationToken = default) =>
        JsonLinesFrameWriter.Write(stream, frame, cancellationToken);

    /// <summary>Reads a Parquet file, or a folder of part files as one frame, row group by row group.</summary>
    /// <exception cref="DatasetException">The file is missing, not Parquet, damaged, lacks a named column or holds a type a frame cannot.</exception>
    public static Frame ReadParquet(string path, ParquetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ParquetFrameReader.Read(Readers.ParquetReader.Files(path), options ?? new ParquetReadOptions(), null, cancellationToken);
    }

    /// <summary>Writes <paramref name="frame"/> as a Parquet file at <paramref name="path"/>, replacing it atomically.</summary>
    public static void WriteParquet(string path, Frame frame, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        AtomicFile.Write(path, stream => ParquetFrameWriter.Write(stream, frame, options ?? new ParquetWriteOptions(), cancellationToken));
    }

    /// <summary>Reads <paramref name="path"/> in <paramref name="format"/> (by default the one its extension names) with default options.</summary>
    public static Frame Read(string path, DatasetFormat? format = null, CancellationToken cancellationToken = default) =>
        (format ?? FormatOf(path)) switch
        {
            DatasetFormat.Csv => ReadCsv(path, null, cancellationToken),
            DatasetFormat.JsonLines => ReadJsonLines(path, null, cancellationToken),
            DatasetFormat.Parquet => ReadParquet(path, null, cancellationToken),
            var other => throw new ArgumentOutOfRangeException(nameof(format), other, "Unknown dataset format."),
        };

    /// <summary>Writes <paramref name="frame"/> to <paramref name="path"/> in <paramref name="format"/> (by default the one its extension names), atomically.</summary>
    public static void Write(string path, Frame frame, DatasetFormat? format = null, CancellationToken cancellationToken = default)
    {
        switch (format ?? FormatOf(path))
        {
            case DatasetFormat.Csv:
                WriteCsv(path, frame, null, cancellationToken);
                break;
            case DatasetFormat.JsonLines:
                WriteJsonLines(path, frame, cancellationToken);
                break;
            case DatasetFormat.Parquet:
                WriteParquet(path, frame, null, cancellationToken);
                break;
            case var other:
                throw new ArgumentOutOfRangeException(nameof(format), other, "Unknown dataset format.");
        }
    }

    /// <summary>The format a file extension names: <c>.csv</c>, <c>.jsonl</c> or <c>.ndjson</c> (any case).</summary>
    /// <exception cref="ArgumentException">The extension names no format; the message lists the known ones.</exception>
    public static DatasetFormat FormatOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var extension = Path.GetExtension(path);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return DatasetFormat.Csv;
        }

        if (extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            return DatasetFormat.JsonLines;
        }

        if (extension.Equals(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            return DatasetFormat.Parquet;
        }

        throw new ArgumentException($"Cannot tell the format of '{path}' from its extension; use .csv, .jsonl, .ndjson or .parquet, or name the format.", nameof(path));
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DatasetException($"{path}: file not found", error);
        }
        catch (UnauthorizedAccessException error)
        {
            throw new DatasetException($"{path}: permission denied", error);
        }
    }
}

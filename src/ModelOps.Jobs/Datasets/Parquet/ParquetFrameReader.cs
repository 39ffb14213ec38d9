using System.Globalization;
using System.Runtime.ExceptionServices;
using Apache.Arrow;
using ModelOps.Core.Data;
using ModelOps.Core.Text;
using ParquetSharp;
using ParquetSharp.Arrow;
using ArrowColumnType = Apache.Arrow.Types.IArrowType;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>What <see cref="ParquetFrameReader"/> reads.</summary>
public sealed record ParquetReadOptions
{
    /// <summary>The columns to read, in the order of the frame; every column when <see langword="null"/>.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>At most this many rows (the first, in file and row-group order); every row when <see langword="null"/>.</summary>
    public int? Limit { get; init; }
}

/// <summary>
/// Reads Parquet files into a <see cref="Frame"/> with ParquetSharp (Apache Arrow's C++ Parquet reader). The columns are
/// shared out over the machine's cores (the largest first, each core taking the next when it is done with one); each
/// column is read row group by row group and its Arrow arrays are converted into one array sized for the whole read
/// (<see cref="ArrowColumnConverter"/>), so memory holds the frame and, per core, one row group's arrays of one column,
/// never the whole file twice. Several files (the parts of one data set) are read in order as one frame and must have
/// the same columns and types.
/// </summary>
/// <remarks>
/// Types: integers of any width (unsigned up to 2^63 - 1) become int64; float and double float64; boolean bool;
/// strings (plain or dictionary-encoded, read through the dictionary) string; dates and timestamps (milli, micro or
/// nano units, with or without a time zone, and legacy INT96) datetime at the 100 ns resolution of <see cref="DateTime"/>:
/// a timestamp adjusted to UTC (with a time zone) as a UTC value, a local one (without) and a date as a value without a
/// kind; decimals float64 (the nearest double). Nulls are kept everywhere.
/// </remarks>
internal static class ParquetFrameReader
{
    /// <summary>Reads <paramref name="files"/> as one frame.</summary>
    /// <param name="files">The file, or the parts of one data set in order.</param>
    /// <param name="options">Columns and limit.</param>
    /// <param name="places">When given, records each row group read, so that later messages name where a row is.</param>
    /// <param name="cancellationToken">Checked between row groups.</param>
    public static Frame Read(IReadOnlyList<string> files, ParquetReadOptions options, ParquetRowPlaces? places, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        var parts = Plan(files, options);
        if (parts.Count == 0)
        {
            return new Frame([]);
        }

        if (places is not null)
        {
            foreach (var part in parts)
            {
                var rowInFile = 0L;
                for (var group = 0; group < part.GroupRows.Length; group++)
                {
                    if (part.GroupRows[group] == 0)
                    {
                        continue; // an empty row group, or one past the limit
                    }

                    places.Add(part.File, group, rowInFile, part.GroupRows[group]);
                    rowInFile += part.GroupRows[group];
                }
            }
        }

        var rows = parts.Sum(p => (long)p.Rows);
        if (rows > System.Array.MaxLength)
        {
            throw new DatasetException(string.Create(CultureInfo.InvariantCulture, $"{files[0]}: {rows} rows, more than a frame holds ({System.Array.MaxLength}); read fewer with a limit"));
        }

        var converters = parts[0].Fields.Select(f => ArrowColumnConverter.For(parts[0].File, f, (int)rows)).ToArray();
        foreach (var part in parts)
        {
            ReadPart(part, converters, cancellationToken);
        }

        return new Frame(converters.Select(c => c.Build()));
    }

    /// <summary>
    /// One file to read: its count of Parquet leaf columns (for the reader properties), its selected columns (indices in
    /// the file, and fields), and the rows to take from each row group.
    /// </summary>
    private sealed record Part(string File, int LeafColumns, int[] Indices, Field[] Fields, int[] GroupRows, long[] ColumnBytes)
    {
        public int Rows => GroupRows.Sum();

        /// <summary>
        /// The rows of an Arrow batch: the largest row group's, so that a column chunk comes as one batch. A string
        /// chunk's dictionary is then looked up once per distinct value of the chunk: with Arrow's default of 65,536
        /// rows a batch, a chunk that fell back to plain pages came as batches whose dictionaries repeat the values of
        /// the batches before them (Arrow keeps adding to one dictionary per chunk), and each repeat was looked up again.
        /// Memory stays bounded by a row group of one column per core.
        /// </summary>
        public int BatchRows => Math.Max(1, GroupRows.DefaultIfEmpty().Max());
    }

    /// <summary>Opens each file in turn until the limit is reached: its footer, the columns asked for, the same columns as the first file.</summary>
    private static List<Part> Plan(IReadOnlyList<string> files, ParquetReadOptions options)
    {
        var parts = new List<Part>();
        var remaining = options.Limit ?? int.MaxValue;
        foreach (var file in files)
        {
            if (remaining == 0)
            {
                break;
            }

            using var reader = Open(file, null);
            var fields = reader.Schema.FieldsList;
            var indices = Select(file, fields, options.Columns);
            var selected = indices.Select(i => fields[i]).ToArray();
            if (parts.Count == 0)
            {
                foreach (var field in selected)
                {
                    ArrowColumnConverter.TypeOf(file, field);
                }
            }
            else
            {
                CheckSameColumns(file, parts[0].File, parts[0].Fields, selected);
            }

            var metadata = reader.ParquetReader;
            var groupRows = new int[reader.NumRowGroups];
            var columnBytes = new long[indices.Length];
            for (var group = 0; group < groupRows.Length && remaining > 0; group++)
            {
                using var rowGroup = metadata.RowGroup(group);
                groupRows[group] = (int)Math.Min(rowGroup.MetaData.NumRows, remaining);
                remaining -= groupRows[group];
                for (var c = 0; c < indices.Length; c++)
                {
                    columnBytes[c] += ColumnBytes(rowGroup.MetaData, indices[c]);
                }
            }

            parts.Add(new Part(file, metadata.FileMetaData.NumColumns, indices, selected, groupRows, columnBytes));
        }

        return parts;
    }

    /// <summary>The compressed bytes of the column chunk at the field's index (the field's own in a flat schema; only the order of the work uses it).</summary>
    private static long ColumnBytes(RowGroupMetaData rowGroup, int field)
    {
        if (field >= rowGroup.NumColumns)
        {
            return 0;
        }

        using var chunk = rowGroup.GetColumnChunkMetaData(field);
        return chunk.TotalCompressedSize;
    }

    /// <summary>
    /// Reads one file's columns into their converters: as many workers as cores (the caller's thread and pool threads),
    /// each with its own reader of the file, each taking the next column, largest first, and reading it row group by row
    /// group. The first error stops the others at their next row group and is thrown.
    /// </summary>
    private static void ReadPart(Part part, ArrowColumnConverter[] converters, CancellationToken cancellationToken)
    {
        var order = Enumerable.Range(0, converters.Length).OrderByDescending(c => part.ColumnBytes[c]).ToArray();
        var next = -1;
        ExceptionDispatchInfo? failure = null;
        void Work()
        {
            try
            {
                using var reader = Open(part.File, part);
                int taken;
                while (Volatile.Read(ref failure) is null && (taken = Interlocked.Increment(ref next)) < order.Length)
                {
                    var column = order[taken];
                    for (var group = 0; group < part.GroupRows.Length && Volatile.Read(ref failure) is null; group++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (part.GroupRows[group] == 0)
                        {
                            continue; // an empty row group, or one past the limit
                        }

                        ReadColumnChunk(part.File, reader, group, part.Indices[column], part.GroupRows[group], converters[column]);
                    }
                }
            }
            catch (Exception error)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(error), null);
            }
        }

        var helpers = new Task[Math.Max(0, Math.Min(Environment.ProcessorCount, order.Length) - 1)];
        for (var i = 0; i < helpers.Length; i++)
        {
            helpers[i] = Task.Run(Work, CancellationToken.None);
        }

        Work();
        Task.WaitAll(helpers, CancellationToken.None);
        failure?.Throw();
    }

    private static void ReadColumnChunk(string file, FileReader reader, int group, int column, int rows, ArrowColumnConverter converter)
    {
        var read = 0;
        try
        {
            using var batches = reader.GetRecordBatchReader(rowGroups: [group], columns: [column]);
            while (read < rows && batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
            {
                using (batch)
                {
                    var take = Math.Min(batch.Length, rows - read);
                    converter.Append(batch.Column(0), take);
                    read += take;
                }
            }
        }
        catch (ParquetException error)
        {
            throw new DatasetException(string.Create(CultureInfo.InvariantCulture, $"{file}: row group {group}: cannot be read: {Reason(error)}"));
        }

        if (read != rows)
        {
            throw new DatasetException(string.Create(CultureInfo.InvariantCulture, $"{file}: row group {group}: column '{converter.Name}' has {read} rows, the row group {rows}"));
        }
    }

    /// <summary>
    /// Opens <paramref name="file"/> to read <paramref name="part"/>: strings read through their dictionary where a
    /// column chunk has one (one string per distinct value), a column chunk in one batch (<see cref="Part.BatchRows"/>);
    /// without reader properties (for the footer only) when <see langword="null"/>.
    /// </summary>
    private static FileReader Open(string file, Part? part)
    {
        if (!File.Exists(file))
        {
            throw new DatasetException($"{file}: file not found");
        }

        try
        {
            if (part is null)
            {
                return new FileReader(file);
            }

            using var properties = ArrowReaderProperties.GetDefault();
            properties.BatchSize = part.BatchRows;
            for (var c = 0; c < part.LeafColumns; c++)
            {
                properties.SetReadDictionary(c, true);
            }

            return new FileReader(file, arrowProperties: properties);
        }
        catch (ParquetException error)
        {
            throw new DatasetException($"{file}: not a Parquet file, or a damaged one: {Reason(error)}");
        }
    }

    private static int[] Select(string file, IReadOnlyList<Field> fields, IReadOnlyList<string>? columns)
    {
        if (columns is null)
        {
            return [.. Enumerable.Range(0, fields.Count)];
        }

        var names = fields.Select(f => f.Name).ToList();
        return [.. columns.Select(name => names.IndexOf(name) is >= 0 and var index
            ? index
            : throw new DatasetException($"{file}: column '{name}' not found{NameSuggestions.Hint(name, names)}"))];
    }

    private static void CheckSameColumns(string file, string first, Field[] expectedFields, Field[] fields)
    {
        var expected = string.Join(", ", expectedFields.Select(f => $"{f.Name} {KindOf(f.DataType)}"));
        var found = string.Join(", ", fields.Select(f => $"{f.Name} {KindOf(f.DataType)}"));
        if (!string.Equals(expected, found, StringComparison.Ordinal))
        {
            throw new DatasetException($"{file}: its columns ({found}) differ from those of {first} ({expected}); the parts of one data set must have the same columns");
        }
    }

    private static string KindOf(ArrowColumnType type) => ArrowColumnConverter.Map(type)?.ToName() ?? type.Name;

    /// <summary>The Arrow C++ error's text without the exception's C++ type name.</summary>
    private static string Reason(ParquetException error)
    {
        var message = error.Message;
        var start = message.IndexOf("(message: '", StringComparison.Ordinal);
        return start >= 0 ? message[(start + "(message: '".Length)..].TrimEnd(')', '\'') : message;
    }
}

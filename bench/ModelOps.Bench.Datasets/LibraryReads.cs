using ParquetSharp;
using ParquetSharp.Arrow;
using NetParquetReader = Parquet.ParquetReader;
using NetRowGroupReader = Parquet.ParquetRowGroupReader;

namespace ModelOps.Bench;

/// <summary>
/// The libraries' own column reads of a whole file, without building a frame: what the product's reader cannot be
/// faster than, and what it adds its conversion to. Each returns the rows read; with <c>nonNull</c> it also counts
/// each column's non-null values (for the checks, outside the timed runs).
/// </summary>
internal static class LibraryReads
{
    /// <summary>
    /// ParquetSharp's Arrow API as the product uses it (every column read through its dictionary where it has one),
    /// one record-batch reader over every row group; the batches are imported into .NET Arrow arrays (no copy) and
    /// dropped. With <paramref name="threads"/> Arrow decodes the columns on its CPU thread pool.
    /// </summary>
    public static long Arrow(string path, bool threads, long[]? nonNull = null)
    {
        using var properties = ProductProperties(path);
        properties.UseThreads = threads;
        using var reader = new FileReader(path, arrowProperties: properties);
        using var batches = reader.GetRecordBatchReader();
        long rows = 0;
        while (batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
        {
            using (batch)
            {
                rows += batch.Length;
                if (nonNull is not null)
                {
                    for (var c = 0; c < batch.ColumnCount; c++)
                    {
                        nonNull[c] += batch.Column(c).Length - batch.Column(c).NullCount;
                    }
                }
            }
        }

        return rows;
    }

    /// <summary>
    /// ParquetSharp's Arrow API with the columns split over the machine's cores by this code: each thread opens the
    /// file, takes the next column (largest first) and reads it row group by row group (one record-batch reader per
    /// column chunk), every column through its dictionary. The same reads as the product's reader, without the frame.
    /// With <paramref name="keep"/> every batch is held until the whole file is read (the library holding all the data,
    /// as a frame does) instead of dropped as soon as it is read (its memory reused by the next batch).
    /// </summary>
    public static long ArrowByColumn(string path, long[]? nonNull = null, bool keep = false)
    {
        int columns, groups;
        long rows, largest = 1;
        long[] sizes;
        using (var metadata = new ParquetFileReader(path))
        {
            columns = metadata.FileMetaData.NumColumns;
            groups = metadata.FileMetaData.NumRowGroups;
            rows = metadata.FileMetaData.NumRows;
            sizes = new long[columns];
            for (var g = 0; g < groups; g++)
            {
                using var group = metadata.RowGroup(g);
                largest = Math.Max(largest, group.MetaData.NumRows);
                for (var c = 0; c < columns; c++)
                {
                    using var chunk = group.MetaData.GetColumnChunkMetaData(c);
                    sizes[c] += chunk.TotalCompressedSize;
                }
            }
        }

        var order = Enumerable.Range(0, columns).OrderByDescending(c => sizes[c]).ToArray();
        var next = -1;
        var kept = new System.Collections.Concurrent.ConcurrentBag<Apache.Arrow.RecordBatch>();
        void Work()
        {
            using var properties = ProductProperties(columns, largest);
            using var reader = new FileReader(path, arrowProperties: properties);
            int taken;
            while ((taken = Interlocked.Increment(ref next)) < order.Length)
            {
                var column = order[taken];
                for (var g = 0; g < groups; g++)
                {
                    using var batches = reader.GetRecordBatchReader(rowGroups: [g], columns: [column]);
                    while (batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
                    {
                        if (nonNull is not null)
                        {
                            nonNull[column] += batch.Column(0).Length - batch.Column(0).NullCount;
                        }

                        if (keep)
                        {
                            kept.Add(batch);
                        }
                        else
                        {
                            batch.Dispose();
                        }
                    }
                }
            }
        }

        var helpers = Enumerable.Range(1, Math.Min(Environment.ProcessorCount, columns) - 1).Select(_ => Task.Run(Work)).ToArray();
        Work();
        Task.WaitAll(helpers);
        foreach (var batch in kept)
        {
            batch.Dispose(); // in the timed run: a frame's memory is given back too, when the GC collects it
        }

        return rows;
    }

    /// <summary>
    /// The Arrow reader properties the product's reader uses: every column read through its dictionary, batches of the
    /// largest row group's rows (a column chunk in one batch).
    /// </summary>
    public static ArrowReaderProperties ProductProperties(string path)
    {
        using var metadata = new ParquetFileReader(path);
        var largest = 1L;
        for (var g = 0; g < metadata.FileMetaData.NumRowGroups; g++)
        {
            using var group = metadata.RowGroup(g);
            largest = Math.Max(largest, group.MetaData.NumRows);
        }

        return ProductProperties(metadata.FileMetaData.NumColumns, largest);
    }

    /// <summary>The product's reader properties for a file of <paramref name="columns"/> columns whose largest row group has <paramref name="batchRows"/> rows.</summary>
    public static ArrowReaderProperties ProductProperties(int columns, long batchRows)
    {
        var properties = ArrowReaderProperties.GetDefault();
        properties.BatchSize = batchRows;
        for (var c = 0; c < columns; c++)
        {
            properties.SetReadDictionary(c, true);
        }

        return properties;
    }

    /// <summary>
    /// ParquetSharp's low-level API: each column chunk through a <c>LogicalColumnReader</c> into a reused buffer of
    /// .NET values (nullable structs; strings as .NET strings, one allocated per value).
    /// </summary>
    public static long Logical(string path, long[]? nonNull = null)
    {
        using var file = new ParquetFileReader(path);
        var buffers = new LogicalBuffers(4096);
        long rows = 0;
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            rows += group.MetaData.NumRows;
            for (var c = 0; c < BenchTable.Columns.Length; c++)
            {
                using var column = group.Column(c);
                var count = BenchTable.Columns[c].Type switch
                {
                    "int32" => ReadAll(column, buffers.Ints),
                    "int64" => ReadAll(column, buffers.Longs),
                    "double" => ReadAll(column, buffers.Doubles),
                    "float" => ReadAll(column, buffers.Floats),
                    "bool" => ReadAll(column, buffers.Bools),
                    "string" => ReadAll(column, buffers.Strings),
                    "date" => ReadAll(column, buffers.Dates),
                    "timestamp" => ReadAll(column, buffers.Timestamps),
                    var other => throw new InvalidOperationException($"no buffer for {other}"),
                };
                if (nonNull is not null)
                {
                    nonNull[c] += count;
                }
            }
        }

        return rows;
    }

    /// <summary>Reads a column chunk to its end; the number of non-null values.</summary>
    private static long ReadAll<T>(ColumnReader column, T[] buffer)
    {
        using var reader = column.LogicalReader<T>();
        long nonNull = 0;
        while (reader.HasNext)
        {
            var read = reader.ReadBatch(buffer);
            for (var i = 0; i < read; i++)
            {
                nonNull += buffer[i] is null ? 0 : 1;
            }
        }

        return nonNull;
    }

    private sealed class LogicalBuffers(int size)
    {
        public readonly int?[] Ints = new int?[size];
        public readonly long?[] Longs = new long?[size];
        public readonly double?[] Doubles = new double?[size];
        public readonly float?[] Floats = new float?[size];
        public readonly bool?[] Bools = new bool?[size];
        public readonly string?[] Strings = new string?[size];
        public readonly Date?[] Dates = new Date?[size];
        public readonly DateTime?[] Timestamps = new DateTime?[size];
    }

    /// <summary>
    /// Parquet.Net 6.1.0's lowest-level read, <c>ParquetRowGroupReader.ReadRawAsync</c>: each column chunk's non-null
    /// values and definition levels into buffers the caller owns (reused from row group to row group); strings as
    /// <c>ReadOnlyMemory&lt;char&gt;</c> slices, no string per value.
    /// </summary>
    public static long ParquetNet(string path, long[]? nonNull = null) => ParquetNetAsync(path, nonNull).GetAwaiter().GetResult();

    private static async Task<long> ParquetNetAsync(string path, long[]? nonNull)
    {
        await using var reader = await NetParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        var buffers = new Array?[fields.Length];
        var levels = new int[]?[fields.Length];
        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
            for (var c = 0; c < fields.Length; c++)
            {
                var field = fields[c];
                var size = (int)group.GetMetadata(field)!.MetaData!.NumValues;
                if (levels[c] is not { } definitions || definitions.Length < size)
                {
                    levels[c] = definitions = new int[size];
                    buffers[c] = null;
                }

                var type = field.ClrType;
                if (type == typeof(int))
                {
                    await Read<int>(group, field, buffers, c, definitions);
                }
                else if (type == typeof(long))
                {
                    await Read<long>(group, field, buffers, c, definitions);
                }
                else if (type == typeof(double))
                {
                    await Read<double>(group, field, buffers, c, definitions);
                }
                else if (type == typeof(float))
                {
                    await Read<float>(group, field, buffers, c, definitions);
                }
                else if (type == typeof(bool))
                {
                    await Read<bool>(group, field, buffers, c, definitions);
                }
                else if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
                {
                    await Read<ReadOnlyMemory<char>>(group, field, buffers, c, definitions);
                }
                else if (type == typeof(DateTime))
                {
                    await Read<DateTime>(group, field, buffers, c, definitions);
                }
                else
                {
                    throw new InvalidOperationException($"no buffer for {type}");
                }

                if (nonNull is not null)
                {
                    for (var i = 0; i < size; i++)
                    {
                        nonNull[c] += definitions[i] == field.MaxDefinitionLevel ? 1 : 0;
                    }
                }
            }
        }

        return rows;
    }

    private static async ValueTask Read<T>(NetRowGroupReader group, Parquet.Schema.DataField field, Array?[] buffers, int c, int[] definitions)
        where T : struct
    {
        if (buffers[c] is not T[] values)
        {
            buffers[c] = values = new T[definitions.Length];
        }

        await group.ReadRawAsync<T>(field, values, definitions, null);
    }
}

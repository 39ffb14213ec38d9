using ModelOps.Core.Data;
using ModelOps.Core.Schemas;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Parquet;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Jobs;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.Parquet;

/// <summary>The product's own Parquet files read back by the product: every frame type with nulls, row groups, parts, errors.</summary>
public sealed class ParquetRoundTripTests : IDisposable
{
    private readonly string _folder = TemporaryFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(ParquetCompression.Snappy)]
    [InlineData(ParquetCompression.Zstd)]
    [InlineData(ParquetCompression.None)]
    public void WriteThenRead_EveryTypeWithNulls_GivesTheSameFrame(ParquetCompression compression)
    {
        var path = Path.Combine(_folder, "all.parquet");
        var frame = AllTypes();

        Dataset.WriteParquet(path, frame, new ParquetWriteOptions { Compression = compression });

        // Written timestamps are UTC instants (TIMESTAMP(MICROS, isAdjustedToUTC=true)): they come back as UTC.
        var when = frame.Get<DateTimeColumn>("when");
        var utc = new DateTimeColumn("when", [.. Enumerable.Range(0, when.Length).Select(i => when.IsNull(i) ? (DateTime?)null : DateTime.SpecifyKind(when[i], DateTimeKind.Utc))]);
        AssertFramesEqual(new Frame(frame.Columns.Select(c => c.Name == "when" ? utc : c)), Dataset.ReadParquet(path));
        Assert.Empty(Directory.GetFiles(_folder, ".*"));
    }

    [Fact]
    public void Write_EveryTypeOverManyRowGroups_EachRowGroupKeepsItsOwnValues()
    {
        // Row groups of 7 rows and 3 of every 11 rows null: consecutive row groups (written while the next one's arrays
        // are filled, from two sets of buffers) differ in values, lengths and nulls.
        var path = Path.Combine(_folder, "many.parquet");
        var rows = Enumerable.Range(0, 1_000).ToArray();
        bool Null(int r, int c) => (r + c) % 11 < 3;
        var frame = new Frame(
            new Int64Column("i", [.. rows.Select(r => Null(r, 0) ? null : (long?)(r * 7919L))]),
            new Float64Column("f", [.. rows.Select(r => Null(r, 1) ? null : (double?)(r / 3.0))]),
            new BoolColumn("b", [.. rows.Select(r => Null(r, 2) ? null : (bool?)(r % 3 == 0))]),
            new DateTimeColumn("t", [.. rows.Select(r => Null(r, 3) ? null : (DateTime?)new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(r * 37))]),
            new StringColumn("s", [.. rows.Select(r => Null(r, 4) ? null : new string((char)('a' + (r % 26)), 1 + (r % 13)))]));

        Dataset.WriteParquet(path, frame, new ParquetWriteOptions { RowGroupSize = 7 });

        AssertFramesEqual(frame, Dataset.ReadParquet(path));
    }

    [Fact]
    public void Write_StreamFailsMidway_ThrowsTheStreamsErrorAndWritesNoMore()
    {
        var frame = new Frame(new Int64Column("i", [.. Enumerable.Range(0, 50_000).Select(r => (long?)r)]));
        using var stream = new FailingStream(after: 20_000);

        var error = Assert.ThrowsAny<Exception>(() => ParquetFrameWriter.Write(stream, frame, new ParquetWriteOptions { RowGroupSize = 1_000 }, CancellationToken.None));

        Assert.Contains("disk full", error.ToString(), StringComparison.Ordinal);
        var written = stream.Length;
        Thread.Sleep(200);
        Assert.Equal(written, stream.Length); // nothing goes on writing in the background
    }

    /// <summary>A stream that takes <c>after</c> bytes, then fails every write.</summary>
    private sealed class FailingStream(int after) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > after)
            {
                throw new IOException("disk full");
            }

            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }

    [Fact]
    public void RowGroups_LimitAndColumns_ReadOnlyWhatIsAsked()
    {
        var path = Path.Combine(_folder, "groups.parquet");
        var ids = Enumerable.Range(0, 10_000).Select(i => (long?)i).ToArray();
        Dataset.WriteParquet(path, new Frame(new Int64Column("id", ids), new StringColumn("label", [.. ids.Select(i => i % 3 == 0 ? null : $"l{i % 7}")])), new ParquetWriteOptions { RowGroupSize = 1_000 });

        var frame = Dataset.ReadParquet(path, new ParquetReadOptions { Columns = ["label", "id"], Limit = 2_500 });

        Assert.Equal(["label", "id"], frame.ColumnNames);
        Assert.Equal(2_500, frame.RowCount);
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => (long)i), frame.Get<Int64Column>("id").Values.ToArray());
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => i % 3 == 0 ? null : $"l{i % 7}"), Texts(frame["label"]));
        Assert.Equal(7, frame.Get<StringColumn>("label").Categories.Count);
    }

    [Fact]
    public void Read_ManyColumnsAndRowGroups_EachColumnInOrderWithNaNInNullFloatRows()
    {
        // More columns than cores, so several columns share a core, each read row group by row group.
        var path = Path.Combine(_folder, "wide.parquet");
        var rows = Enumerable.Range(0, 5_000).ToArray();
        var columns = Enumerable.Range(0, 9).Select(c => (c % 3) switch
        {
            0 => (Column)new Int64Column($"i{c}", [.. rows.Select(r => r % (c + 5) == 0 ? null : (long?)(r * c))]),
            1 => new Float64Column($"f{c}", [.. rows.Select(r => r % (c + 5) == 0 ? null : (double?)(r / (c + 1.0)))]),
            _ => new StringColumn($"s{c}", [.. rows.Select(r => r % (c + 5) == 0 ? null : $"v{r % (c * 37)}")]),
        });
        var frame = new Frame(columns);
        Dataset.WriteParquet(path, frame, new ParquetWriteOptions { RowGroupSize = 700 });

        var read = Dataset.ReadParquet(path);

        AssertFramesEqual(frame, read);
        var floats = read.Get<Float64Column>("f1");
        Assert.All(Enumerable.Range(0, floats.Length).Where(floats.IsNull), r => Assert.True(double.IsNaN(floats[r])));
        Assert.Equal(frame.Get<StringColumn>("s8").Categories, read.Get<StringColumn>("s8").Categories);
    }

    [Fact]
    public void Write_UniqueValues_StopBeingDictionaryEncodedAtTheLimit_RepeatingValuesKeepTheirDictionary()
    {
        // 122,880 distinct doubles fit in Arrow's default 1 MiB dictionary page (983,040 bytes plus 17-bit indices,
        // 1.24 MB uncompressed); with the writer's 256 KiB limit the chunk goes plain after about 32,768 values
        // (1.04 MB). 100 repeating values stay in a dictionary: 7-bit indices, about 0.11 MB instead of 0.98 MB plain.
        var path = Path.Combine(_folder, "dictionary_limit.parquet");
        var rows = Enumerable.Range(0, 122_880).ToArray();
        var frame = new Frame(new Float64Column("unique", [.. rows.Select(r => r * 1.5)]), new Float64Column("repeating", [.. rows.Select(r => r % 100 * 1.5)]));

        Dataset.WriteParquet(path, frame, new ParquetWriteOptions { Compression = ParquetCompression.None });

        using var file = new ParquetSharp.ParquetFileReader(path);
        using var group = file.RowGroup(0);
        using var unique = group.MetaData.GetColumnChunkMetaData(0);
        using var repeating = group.MetaData.GetColumnChunkMetaData(1);
        Assert.InRange(unique.TotalUncompressedSize, 983_040, 1_100_000);
        Assert.InRange(repeating.TotalUncompressedSize, 100_000, 200_000);
        AssertFramesEqual(frame, Dataset.ReadParquet(path));
    }

    [Fact]
    public void Read_RowGroupsLargerThanArrowsDefaultBatch_KeepEveryRowAndTheOrderOfFirstAppearance()
    {
        // Row groups of 150,000 rows (Arrow's default batch is 65,536): each column chunk is read as one batch. The
        // e-mail-like strings (90,000 values, 25 bytes) overflow the writer's dictionary page, so the chunks fall back
        // to plain pages and Arrow builds each batch's dictionary itself; a limit inside the second row group.
        var path = Path.Combine(_folder, "large_groups.parquet");
        var rows = Enumerable.Range(0, 330_000).ToArray();
        var frame = new Frame(
            new StringColumn("email", [.. rows.Select(r => r % 101 == 0 ? null : $"user{r * 7919L % 90_000:D6}@example.org")]),
            new StringColumn("city", [.. rows.Select(r => $"city {r * 31 % 1_000}")]),
            new Int64Column("id", [.. rows.Select(r => (long?)r)]));
        Dataset.WriteParquet(path, frame, new ParquetWriteOptions { RowGroupSize = 150_000 });

        var read = Dataset.ReadParquet(path);
        var limited = Dataset.ReadParquet(path, new ParquetReadOptions { Limit = 200_000 });

        AssertFramesEqual(frame, read);
        Assert.Equal(frame.Get<StringColumn>("email").Categories, read.Get<StringColumn>("email").Categories);
        Assert.Equal(90_000, read.Get<StringColumn>("email").Categories.Count);
        var expected = frame.Get<StringColumn>("email");
        var email = limited.Get<StringColumn>("email");
        Assert.Equal(200_000, email.Length);
        Assert.Equal(Enumerable.Range(0, 200_000).Select(r => expected.IsNull(r) ? null : expected[r]), Enumerable.Range(0, 200_000).Select(r => email.IsNull(r) ? null : email[r]));
        Assert.Equal(expected.Categories.Take(email.Categories.Count), email.Categories);
    }

    [Fact]
    public void Read_AnEmptyRowGroupBetweenOthers_ReadsTheRowGroupsAfterIt()
    {
        var path = Path.Combine(_folder, "empty_group.parquet");
        using (var file = new ParquetSharp.ParquetFileWriter(path, [new ParquetSharp.Column<long?>("x")]))
        {
            foreach (var values in new long?[][] { [1, 2], [], [3, null, 5] })
            {
                using var group = file.AppendRowGroup();
                using var column = group.NextColumn().LogicalWriter<long?>();
                column.WriteBatch(values);
            }

            file.Close();
        }

        var read = Dataset.ReadParquet(path).Get<Int64Column>("x");

        Assert.Equal([1L, 2L, 3L, null, 5L], read.ToNullableArray());
    }

    [Fact]
    public void Read_NoColumnsAsked_GivesAFrameWithoutColumns()
    {
        var path = Path.Combine(_folder, "some.parquet");
        Dataset.WriteParquet(path, new Frame(new Float64Column("x", [1.0, 2.0])));

        var frame = Dataset.ReadParquet(path, new ParquetReadOptions { Columns = [] });

        Assert.Equal(0, frame.ColumnCount);
    }

    [Fact]
    public void Read_LimitInsideARowGroup_KeepsOnlyTheCategoriesOfTheRowsRead()
    {
        // The row group's dictionary holds z, y and x; a frame's categories are the values of its rows, in order of first appearance.
        var path = Path.Combine(_folder, "dictionary.parquet");
        Dataset.WriteParquet(path, new Frame(new StringColumn("label", ["z", "y", "x", "y", "z"])));

        var read = Dataset.ReadParquet(path, new ParquetReadOptions { Limit = 2 }).Get<StringColumn>("label");

        Assert.Equal(["z", "y"], read.Categories);
        Assert.Equal([0, 1], read.Codes.ToArray());
    }

    [Fact]
    public async Task Reader_FolderOfParts_IsOneDataSetInNameOrderWithTheDigestOfAllBytes()
    {
        var parts = Path.Combine(_folder, "parts");
        Directory.CreateDirectory(parts);
        Dataset.WriteParquet(Path.Combine(parts, "part-1.parquet"), new Frame(new Float64Column("x", [3.0, 4.0])));
        Dataset.WriteParquet(Path.Combine(parts, "part-0.parquet"), new Frame(new Float64Column("x", [1.0, 2.0])));

        var read = await new ParquetReader { Path = parts }.ReadAsync();

        Assert.Equal([1.0, 2.0, 3.0, 4.0], read.Frame.Get<Float64Column>("x").Values.ToArray());
        var bytes = File.ReadAllBytes(Path.Combine(parts, "part-0.parquet")).Concat(File.ReadAllBytes(Path.Combine(parts, "part-1.parquet"))).ToArray();
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), read.Digest);
    }

    [Fact]
    public void Parts_WithDifferentColumns_AreRefusedNamingBothFiles()
    {
        var parts = Path.Combine(_folder, "mixed");
        Directory.CreateDirectory(parts);
        Dataset.WriteParquet(Path.Combine(parts, "a.parquet"), new Frame(new Float64Column("x", [1.0])));
        Dataset.WriteParquet(Path.Combine(parts, "b.parquet"), new Frame(new Int64Column("x", [1L])));

        var error = Assert.Throws<DatasetException>(() => Dataset.ReadParquet(parts));

        Assert.Equal($"{Path.Combine(parts, "b.parquet")}: its columns (x int64) differ from those of {Path.Combine(parts, "a.parquet")} (x float64); the parts of one data set must have the same columns", error.Message);
    }

    [Fact]
    public void Errors_NameTheFileAndTheColumn()
    {
        var notParquet = Path.Combine(_folder, "rows.parquet");
        File.WriteAllText(notParquet, "a,b\n1,2\n");
        var good = Path.Combine(_folder, "good.parquet");
        Dataset.WriteParquet(good, new Frame(new Float64Column("temp", [1.0]), new Float64Column("hum", [2.0])));

        Assert.Equal(
            $"{notParquet}: not a Parquet file, or a damaged one: Invalid: Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file.",
            Assert.Throws<DatasetException>(() => Dataset.ReadParquet(notParquet)).Message);
        Assert.Equal(
            $"{good}: column 'tmp' not found, did you mean temp?",
            Assert.Throws<DatasetException>(() => Dataset.ReadParquet(good, new ParquetReadOptions { Columns = ["tmp"] })).Message);
        Assert.Equal(
            $"{Path.Combine(_folder, "none.parquet")}: file not found",
            Assert.Throws<DatasetException>(() => Dataset.ReadParquet(Path.Combine(_folder, "none.parquet"))).Message);
    }

    [Fact]
    public async Task Reader_SchemaViolations_NameTheRowAndItsRowGroup()
    {
        // Three row groups of 4 rows: row 5 is the second row of row group 1; 'zone' cannot become int64 in row 10.
        var path = Path.Combine(_folder, "rides.parquet");
        var hours = new long?[] { 1, 2, 3, 4, 5, 30, 7, 8, 9, 10, 11, 12 };
        var zones = new[] { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "north", "12" };
        Dataset.WriteParquet(path, new Frame(new Int64Column("hr", hours), new StringColumn("zone", zones)), new ParquetWriteOptions { RowGroupSize = 4 });
        var schema = Path.Combine(_folder, "rides.yaml");
        File.WriteAllText(schema, "name: rides\ncolumns:\n  hr: {type: int64, maximum: 23}\n  zone: int64\n");

        var error = await Assert.ThrowsAsync<SchemaException>(() => new ParquetReader { Path = path, Schema = schema }.ReadAsync());

        Assert.Equal(
            $"Schema 'rides' failed on {path} with 2 violations:\n"
            + "  - column 'hr': maximum 23: 1 row, first: row 5 (row group 1) = 30\n"
            + "  - column 'zone': type int64: 1 row, first: row 10 (row group 2) = north",
            error.Message);
        Assert.Equal(JobErrorKind.Data, JobErrors.KindOf(error));
    }

    [Fact]
    public async Task Reader_SchemaViolationInAPart_NamesThePartFile()
    {
        var parts = Path.Combine(_folder, "parts");
        Directory.CreateDirectory(parts);
        Dataset.WriteParquet(Path.Combine(parts, "part-0.parquet"), new Frame(new Float64Column("temp", [0.1, 0.2])));
        Dataset.WriteParquet(Path.Combine(parts, "part-1.parquet"), new Frame(new Float64Column("temp", [0.3, 1.5, 0.4])), new ParquetWriteOptions { RowGroupSize = 2 });
        var schema = Path.Combine(_folder, "temp.yaml");
        File.WriteAllText(schema, "name: temp\ncolumns:\n  temp: {type: float64, maximum: 1}\n");

        var error = await Assert.ThrowsAsync<SchemaException>(() => new ParquetReader { Path = parts, Schema = schema }.ReadAsync());

        Assert.Equal($"Schema 'temp' failed on {parts} with 1 violation:\n  - column 'temp': maximum 1: 1 row, first: row 1 of part-1.parquet (row group 0) = 1.5", error.Message);
    }

    [Fact]
    public async Task Config_ParquetWriterAndReader_BindAndRoundTrip()
    {
        var path = Path.Combine(_folder, "out", "frame.parquet");
        var document = new ConfigLoader().Merge([new ConfigSource("job.yaml", $$"""
            writer: {KIND: ParquetWriter, path: {{path}}, compression: Zstd, row_group_size: 2}
            reader: {KIND: ParquetReader, path: {{path}}, columns: [x]}
            """)]);
        var binder = new ConfigBinder(JobKinds.Create());
        var writer = binder.Bind<ParquetConfig>(document);

        await writer.Writer.WriteAsync(new Frame(new Float64Column("x", [1.5, 2.5, 3.5]), new BoolColumn("b", [true, false, true])));
        var read = await writer.Reader.ReadAsync();

        Assert.Equal([1.5, 2.5, 3.5], read.Frame.Get<Float64Column>("x").Values.ToArray());
        Assert.Equal(["x"], read.Frame.ColumnNames);
    }

    [Fact]
    public void LegacyInt96Timestamps_AreReadToTheTick_WithoutATimeZoneAsArrowAndDuckDbReadThem()
    {
        // INT96 (Impala, old Spark): nanoseconds of the day, then the Julian day number. No tool here writes it but
        // Parquet's own low-level writer, so the file is made column by column with ParquetSharp.
        var path = Path.Combine(_folder, "int96.parquet");
        DateTime?[] instants = [new DateTime(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(1234), new DateTime(2262, 4, 11, 23, 47, 16, DateTimeKind.Utc)];
        using (var file = new ParquetSharp.ParquetFileWriter(path, [new ParquetSharp.Column<ParquetSharp.Int96?>("ts")]))
        {
            using var group = file.AppendRowGroup();
            using var column = group.NextColumn().LogicalWriter<ParquetSharp.Int96?>();
            column.WriteBatch([.. instants.Select(i => i is { } t ? Int96Of(t) : (ParquetSharp.Int96?)null)]);
            file.Close();
        }

        var read = Dataset.ReadParquet(path).Get<DateTimeColumn>("ts");

        Assert.Equal(instants.Length, read.Length);
        for (var i = 0; i < instants.Length; i++)
        {
            Assert.Equal(instants[i] is null, read.IsNull(i));
            if (instants[i] is { } instant)
            {
                Assert.Equal((instant.Ticks, DateTimeKind.Unspecified), (read[i].Ticks, read[i].Kind));
            }
        }
    }

    private static ParquetSharp.Int96 Int96Of(DateTime instant)
    {
        const long JulianDayOfUnixEpoch = 2_440_588;
        var days = (long)Math.Floor((instant - DateTime.UnixEpoch).TotalDays);
        var nanosOfDay = (instant - DateTime.UnixEpoch.AddDays(days)).Ticks * 100;
        return new ParquetSharp.Int96((int)(nanosOfDay & 0xFFFFFFFF), (int)(nanosOfDay >> 32), (int)(JulianDayOfUnixEpoch + days));
    }

    private sealed record ParquetConfig(DatasetWriter Writer, DatasetReader Reader);
}

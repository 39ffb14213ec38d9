using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Datasets.Writers;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets.Writers;

public sealed class FileWriterTests : IDisposable
{
    private readonly string _folder = TemporaryFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task CsvWriter_RoundTrip_GivesEqualFrame()
    {
        var path = Path.Combine(_folder, "out", "nested", "all.csv");
        var frame = AllTypes();

        var uri = await new CsvWriter { Path = path }.WriteAsync(frame);
        var read = await new CsvReader { Path = path }.ReadAsync();

        Assert.Equal(path, uri);
        AssertFramesEqual(frame, read.Frame);
    }

    [Fact]
    public async Task JsonLinesWriter_RoundTrip_GivesEqualFrame()
    {
        var path = Path.Combine(_folder, "new-folder", "all.jsonl");
        var frame = AllTypes();

        var uri = await new JsonLinesWriter { Path = path }.WriteAsync(frame);
        var read = await new JsonLinesReader { Path = path }.ReadAsync();

        Assert.Equal(path, uri);
        AssertFramesEqual(frame, read.Frame);
    }

    [Fact]
    public async Task CsvWriter_RewritingSameFrame_KeepsTheDigest()
    {
        var path = Path.Combine(_folder, "all.csv");
        await new CsvWriter { Path = path }.WriteAsync(AllTypes());
        var first = await new CsvReader { Path = path }.ReadAsync();

        await new CsvWriter { Path = path }.WriteAsync(first.Frame);
        var second = await new CsvReader { Path = path }.ReadAsync();

        Assert.Equal(first.Digest, second.Digest);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task WriteAsync_Cancelled_LeavesOldFileAndNoTemporaryFile(string format)
    {
        var path = Path.Combine(_folder, "preds." + format);
        File.WriteAllText(path, "old content\n");
        ModelOps.Jobs.Datasets.DatasetWriter writer = format == "csv" ? new CsvWriter { Path = path } : new JsonLinesWriter { Path = path };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(AllTypes(), new CancellationToken(canceled: true)));

        Assert.Equal("old content\n", File.ReadAllText(path));
        Assert.Equal(["preds." + format], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteAsync_EmptyPath_ListsTheProblem()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new CsvWriter { Path = " " }.WriteAsync(AllTypes()));

        Assert.Equal("Invalid CsvWriter: path: must not be empty.", error.Message);
    }

    [Fact]
    public async Task WriteAsync_FrameWithNoRows_WritesHeaderOnly()
    {
        var path = Path.Combine(_folder, "empty.csv");

        await new CsvWriter { Path = path }.WriteAsync(new Frame(new Int64Column("id", Array.Empty<long>())));

        Assert.Equal("id\n", File.ReadAllText(path));
    }
}

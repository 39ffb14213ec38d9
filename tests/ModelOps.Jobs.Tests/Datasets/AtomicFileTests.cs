using System.Text;
using ModelOps.Jobs.Datasets;
using static ModelOps.Jobs.Tests.Datasets.DatasetTestKit;

namespace ModelOps.Jobs.Tests.Datasets;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = TemporaryFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Target(string content = "old content")
    {
        var path = Path.Combine(_folder, "data.csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Write_Succeeds_ReplacesTargetAndLeavesNoTemporaryFile()
    {
        var path = Target();

        AtomicFile.Write(path, stream => stream.Write("new content"u8));

        Assert.Equal("new content", File.ReadAllText(path));
        Assert.Equal(["data.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_FailsMidway_KeepsOldFileAndDeletesTemporaryFile()
    {
        var path = Target();
        string? temporary = null;

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes(new string('x', 100_000)));
            stream.Flush();
            temporary = Assert.Single(Directory.GetFiles(_folder), f => f != path);
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.Equal("disk on fire", error.Message);
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.False(File.Exists(temporary));
        Assert.StartsWith(".data.csv.tmp-", Path.GetFileName(temporary), StringComparison.Ordinal);
        Assert.Equal(["data.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_LargerThanTheFlushAheadSize_WritesEveryByteInOrder()
    {
        // 3.5 times the size at which flushes start in the background, in writes of every size from 1 byte on.
        var path = Target();
        var content = new byte[(int)(AtomicFile.FlushAheadBytes * 7 / 2)];
        new Random(7).NextBytes(content);

        AtomicFile.Write(path, stream =>
        {
            var written = 0;
            for (var size = 1; written < content.Length; size = (size * 3) + 1)
            {
                var count = Math.Min(size, content.Length - written);
                stream.Write(content, written, count);
                written += count;
            }
        });

        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(["data.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_FailsAfterBackgroundFlushesStarted_KeepsOldFileAndDeletesTemporaryFile()
    {
        var path = Target();
        var chunk = new byte[1 << 20];

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            for (var i = 0; i < 3 * AtomicFile.FlushAheadBytes / chunk.Length; i++)
            {
                stream.Write(chunk);
            }

            throw new InvalidOperationException("out of rows");
        }));

        Assert.Equal("out of rows", error.Message);
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(["data.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteCsv_Cancelled_KeepsOldFileAndLeavesNoTemporaryFile()
    {
        var path = Target();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Dataset.WriteCsv(path, AllTypes(), null, cancelled.Token));

        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(["data.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteJsonLines_CancelledMidway_KeepsOldFileAndLeavesNoTemporaryFile()
    {
        var path = Target();
        var rows = new long[200_000];
        var frame = new ModelOps.Core.Data.Frame(new ModelOps.Core.Data.Int64Column("n", rows));
        using var cancel = new CancellationTokenSource();
        var watched = new CancelAfterBytesStream(cancel, 10_000);

        // The stream entry point shows the write is cancelled midway, after bytes went out ...
        Assert.ThrowsAny<OperationCanceledException>(() => Dataset.WriteJsonLines(watched, frame, cancel.Token));
        Assert.True(watched.Length > 0);

        // ... and the path entry point, cancelled the same way, leaves the old file whole.
        using var cancelByPath = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => AtomicFile.Write(path, stream =>
            Dataset.WriteJsonLines(new CancelAfterBytesStream(cancelByPath, 10_000, stream), frame, cancelByPath.Token)));
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(["data.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_MissingFolder_ThrowsAndCreatesNothing()
    {
        var path = Path.Combine(_folder, "absent", "data.csv");

        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(path, stream => stream.WriteByte(1)));
        Assert.False(Directory.Exists(Path.Combine(_folder, "absent")));
    }

    /// <summary>Passes writes through and cancels once more than a given number of bytes went out.</summary>
    private sealed class CancelAfterBytesStream(CancellationTokenSource cancel, long limit, Stream? inner = null) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner?.Write(buffer, offset, count);
            base.Write(buffer, offset, count);
            if (Length > limit)
            {
                cancel.Cancel();
            }
        }
    }
}

using System.Security.Cryptography;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// Replaces a file all at once: the content is written to a temporary file in the same folder
/// (<c>.&lt;name&gt;.tmp-&lt;random&gt;</c>), flushed to disk, then renamed over the target, so readers see
/// the old file or the new one, never a half-written one. On any failure (an exception or a cancellation
/// from the writer) the temporary file is deleted and an existing target is left untouched.
/// Used by the dataset writers; meant for every writer of whole files (SQL exports, model files).
/// </summary>
/// <remarks>
/// A large file is flushed to disk in pieces while it is written: from <see cref="FlushAheadBytes"/> written on, a
/// flush of what has been written so far starts on a pool thread (<see cref="RandomAccess.FlushToDisk"/>, thread-safe)
/// while the writer goes on, so the last flush before the rename has only the tail left. On the 85 MB Parquet file of
/// bench/parquet.sh, the flush at the end took 65-107 ms when it had the whole file to write out and 5 ms after
/// flushes every 8 MiB (docs/benchmarks.md, Parquet). The file is exactly as durable: the rename still follows a
/// flush of all of it.
/// The rename is atomic on one file system (POSIX <c>rename</c>, Windows <c>MoveFileEx</c> with replace).
/// The folder entry itself is not flushed (.NET has no portable directory fsync), so after a power loss
/// the target may still be the old file, but never a partial new one.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Every this many bytes written, a flush to disk of the file so far starts in the background: 8 MiB.</summary>
    internal const long FlushAheadBytes = 8L << 20;

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which gets a stream on the temporary file.</summary>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        var temporary = TemporaryPath(folder, Path.GetFileName(target));
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None))
            using (var stream = new FlushAheadStream(file))
            {
                write(stream);
                stream.FlushToDisk();
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The temporary file's path for a target named <paramref name="name"/> in <paramref name="folder"/>.</summary>
    internal static string TemporaryPath(string folder, string name) =>
        Path.Combine(folder, $".{name}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    /// <summary>
    /// The temporary file as the writer sees it: every write goes straight to the file, and each time another
    /// <see cref="FlushAheadBytes"/> have been written while no flush runs, a flush to disk starts on a pool thread.
    /// A failed background flush is thrown by the next write or by <see cref="FlushToDisk"/>; disposing waits for a
    /// running flush, so the file is never closed under it.
    /// </summary>
    private sealed class FlushAheadStream(FileStream file) : Stream
    {
        private long _unflushed;
        private Task _flush = Task.CompletedTask;

        public override bool CanRead => false;

        public override bool CanSeek => file.CanSeek;

        public override bool CanWrite => true;

        public override long Length => file.Length;

        public override long Position
        {
            get => file.Position;
            set => file.Position = value;
        }

        /// <summary>Waits for a background flush, then flushes the whole file to disk.</summary>
        public void FlushToDisk()
        {
            _flush.GetAwaiter().GetResult();
            file.Flush(flushToDisk: true);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            file.Write(buffer);
            _unflushed += buffer.Length;
            if (_unflushed >= FlushAheadBytes && _flush.IsCompleted)
            {
                _flush.GetAwaiter().GetResult(); // a failed flush stops the write
                _unflushed = 0;
                var handle = file.SafeFileHandle;
                _flush = Task.Run(() => RandomAccess.FlushToDisk(handle));
            }
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush() => file.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

        public override void SetLength(long value) => file.SetLength(value);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    _flush.Wait();
                }
                catch (AggregateException)
                {
                    // Thrown by FlushToDisk or the next write when it mattered; a write that failed first matters more.
                }
            }

            base.Dispose(disposing);
        }
    }
}

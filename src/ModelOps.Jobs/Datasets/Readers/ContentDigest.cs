using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>The <c>sha256:&lt;hex&gt;</c> digests of what readers read (see <see cref="DatasetRead.Digest"/>).</summary>
internal static class ContentDigest
{
    public const string Prefix = "sha256:";

    /// <summary>The digest text of a finished hash.</summary>
    public static string Format(ReadOnlySpan<byte> hash) => Prefix + Convert.ToHexStringLower(hash);

    /// <summary>
    /// The digest of a canonical encoding of <paramref name="frame"/>, column by column: the name (UTF-8,
    /// length-prefixed) and type, then per row a null flag and the value (8-byte little-endian numbers,
    /// ticks and kind for date-times, length-prefixed UTF-8 text). Equal frames give equal digests.
    /// </summary>
    public static string Of(Frame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        AppendInt64(hash, number, frame.ColumnCount);
        AppendInt64(hash, number, frame.RowCount);
        foreach (var column in frame.Columns)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AppendText(hash, number, column.Name);
            AppendInt64(hash, number, (long)column.Type);
            for (var row = 0; row < column.Length; row++)
            {
                if (column.IsNull(row))
                {
                    hash.AppendData([0]);
                    continue;
                }

                hash.AppendData([1]);
                switch (column)
                {
                    case Float64Column doubles:
                        var value = doubles[row];
                        AppendInt64(hash, number, double.IsNaN(value) ? BitConverter.DoubleToInt64Bits(double.NaN) : BitConverter.DoubleToInt64Bits(value));
                        break;
                    case Int64Column longs:
                        AppendInt64(hash, number, longs[row]);
                        break;
                    case BoolColumn flags:
                        hash.AppendData([flags[row] ? (byte)1 : (byte)0]);
                        break;
                    case DateTimeColumn dates:
                        AppendInt64(hash, number, dates[row].Ticks);
                        hash.AppendData([(byte)dates[row].Kind]);
                        break;
                    case StringColumn strings:
                        AppendText(hash, number, strings[row]!);
                        break;
                    default:
                        throw new NotSupportedException($"Column type {column.GetType().Name} has no canonical encoding.");
                }
            }
        }

        return Format(hash.GetHashAndReset());
    }

    private static void AppendInt64(IncrementalHash hash, Span<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }

    private static void AppendText(IncrementalHash hash, Span<byte> buffer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        AppendInt64(hash, buffer, bytes.Length);
        hash.AppendData(bytes);
    }
}

/// <summary>
/// A read-only stream over a file that hashes every byte read; <see cref="Finish"/> hashes the rest of the
/// file (when a limit stopped the parser early) and returns the digest of the whole file.
/// </summary>
internal sealed class HashingReadStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Opens <paramref name="path"/> for reading; a missing or unreadable file is a <see cref="DatasetException"/> naming it.</summary>
    public static HashingReadStream Open(string path)
    {
        try
        {
            return new HashingReadStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan));
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DatasetException($"{path}: file not found", error);
        }
        catch (UnauthorizedAccessException error) when (Directory.Exists(path))
        {
            throw new DatasetException($"{path}: is a folder, not a file", error);
        }
        catch (UnauthorizedAccessException error)
        {
            throw new DatasetException($"{path}: permission denied", error);
        }
    }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _hash.AppendData(buffer[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Reads and hashes what is left and returns the digest of every byte of the stream.</summary>
    public string Finish(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (Read(buffer) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return ContentDigest.Format(_hash.GetHashAndReset());
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

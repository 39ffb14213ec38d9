using System.Buffers.Binary;
using System.Text;

namespace ModelOps.Core.Analytics;

/// <summary>
/// Reads the little-endian values <see cref="BinaryWriter"/> wrote for <see cref="OutcomeStatistics.ToBytes"/> straight
/// from a span: no stream, no reader object, so a report can merge thousands of stored cells without an object per cell.
/// </summary>
internal ref struct StatisticsReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    /// <summary>The bytes not read yet.</summary>
    public readonly int Remaining => _bytes.Length - Position;

    /// <summary>The bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>A count of entries of <paramref name="bytesEach"/> bytes each, checked against the bytes left.</summary>
    public int ReadCount(int bytesEach)
    {
        var count = ReadInt32();
        return count >= 0 && (long)count * bytesEach <= Remaining ? count : throw new FormatException("the statistics end too early");
    }

    /// <summary>The 32-bit integer <paramref name="offset"/> bytes ahead, without moving.</summary>
    public readonly int PeekInt32(int offset) =>
        offset >= 0 && offset + 4 <= Remaining ? BinaryPrimitives.ReadInt32LittleEndian(_bytes[(Position + offset)..]) : throw new FormatException("the statistics end too early");

    /// <summary>Moves past <paramref name="count"/> bytes.</summary>
    public void Skip(int count) => Take(count);

    public byte ReadByte() => Take(1)[0];

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A string as <see cref="BinaryWriter.Write(string)"/> writes it: its UTF-8 length as a 7-bit encoded integer, then the bytes.</summary>
    public string ReadString()
    {
        int length = 0, shift = 0;
        byte b;
        do
        {
            if (shift > 28)
            {
                throw new FormatException("a string's length in the statistics is not a 7-bit encoded integer");
            }

            b = ReadByte();
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return Encoding.UTF8.GetString(Take(length));
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new FormatException("the statistics end too early");
        }

        var span = _bytes.Slice(Position, count);
        Position += count;
        return span;
    }
}

using System.Collections;
using System.Text;

namespace ModelOps.Core.Data;

/// <summary>
/// A string column's distinct values kept as the UTF-8 bytes a file held them in, each decoded into a .NET string only
/// when it is first asked for (and then kept). A column read from a file where most values are distinct (ids, keys)
/// costs its bytes and one offset per value instead of a million strings the reader would make and the garbage
/// collector would copy, and a writer copies the bytes back out without encoding them again.
/// </summary>
/// <remarks>
/// Value <c>i</c> is <c>bytes[starts[i]..starts[i + 1]]</c>. The bytes must be valid UTF-8 and the values distinct (as
/// bytes, which for valid UTF-8 is the same as distinct as strings); the reader that makes the table checks both. Safe
/// to read from several threads: two threads may both decode a value at once, and either string is kept.
/// </remarks>
internal sealed class Utf8Categories : IReadOnlyList<string>
{
    private readonly byte[] _bytes;
    private readonly int[] _starts;
    private string?[]? _strings;

    /// <summary>A table over <paramref name="count"/> values; the arrays are owned by the table and may be longer than used.</summary>
    public Utf8Categories(byte[] bytes, int[] starts, int count)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count + 1, starts.Length, nameof(count));
        _bytes = bytes;
        _starts = starts;
        Count = count;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>Value <paramref name="index"/>, decoded the first time it is asked for.</summary>
    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var strings = Volatile.Read(ref _strings) ?? Interlocked.CompareExchange(ref _strings, new string?[Count], null) ?? _strings;
            return strings[index] ??= Encoding.UTF8.GetString(Bytes(index));
        }
    }

    /// <summary>The UTF-8 bytes of value <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Bytes(int index) => _bytes.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

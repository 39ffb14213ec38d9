using System.Numerics;
using System.Text;
using System.Text.Unicode;
using ModelOps.Core.Data;
using ModelOps.Core.Interop.Linux;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>
/// The distinct strings of a column being read, found by their UTF-8 bytes: a value seen before costs a hash of its
/// bytes and one comparison, with no decoding and no allocation; a new one costs a copy of its bytes, and no .NET string
/// is made: the column keeps the bytes (<see cref="Utf8Categories"/>) and decodes a value when it is asked for. Codes
/// number the distinct strings in order of first appearance, as a frame's string column wants them.
/// </summary>
/// <remarks>
/// Open addressing with linear probing over a power-of-two slot array kept at most half full. A slot holds the entry's
/// hash and number in one 64-bit word, so a probe reads one array until the hash matches; an entry keeps its bytes in
/// one shared array (found through its start offsets) and its code. Columns with a million distinct values make these
/// arrays tens of megabytes, read at random: they are allocated on huge pages where Linux gives them
/// (<see cref="HugePages"/>), which spares the translation misses of 4 KiB pages. Valid UTF-8 and strings map one to
/// one, so bytes alone decide and each entry is a category. Invalid bytes decode with U+FFFD and may give a string
/// already held (or one later valid bytes give), so from the first invalid value on, the table makes strings: the
/// categories so far are decoded, new values are also checked by their text, and such bytes become another entry of
/// the existing code.
/// </remarks>
internal sealed class Utf8CategoryTable
{
    /// <summary>The categories as strings, from the first invalid UTF-8 value on; until then each entry is a category.</summary>
    private List<string>? _strings;
    private int _categoryCount;
    private long[] _slots = new long[64];
    private int[] _codes = new int[32];
    private int[] _starts = new int[33];
    private byte[] _bytes = new byte[1024];
    private int _entries;
    private Dictionary<string, int>? _byText;

    /// <summary>The distinct strings so far.</summary>
    public int Count => _categoryCount;

    /// <summary>The column of <paramref name="codes"/> into the distinct strings (in order of first appearance).</summary>
    public StringColumn Column(string name, int[] codes, ulong[]? nulls) => _strings is null
        ? new StringColumn(name, codes, new Utf8Categories(_bytes, _starts, _entries), nulls)
        : new StringColumn(name, codes, [.. _strings], nulls);

    /// <summary>
    /// Makes room for about <paramref name="entries"/> distinct values of <paramref name="bytes"/> bytes in all, so that a
    /// column of mostly distinct values does not grow (and rehash) its arrays one doubling after another.
    /// </summary>
    public void Reserve(int entries, long bytes)
    {
        if (entries < _codes.Length)
        {
            return;
        }

        var slots = (int)Math.Min(1L << 30, (long)BitOperations.RoundUpToPowerOf2((uint)entries) * 2);
        _codes = Grown(_codes, entries + 1);
        _starts = Grown(_starts, entries + 2);
        _bytes = Grown(_bytes, (int)Math.Min(System.Array.MaxLength, Math.Max(_bytes.Length, bytes)));
        if (slots > _slots.Length)
        {
            Rehash(slots);
        }
    }

    /// <summary>The code of the string whose UTF-8 bytes are <paramref name="utf8"/>, adding it when new.</summary>
    public int Code(ReadOnlySpan<byte> utf8)
    {
        var hash = Hash(utf8);
        var slots = _slots;
        var mask = slots.Length - 1;
        var slot = hash & mask;
        long found;
        while ((found = slots[slot]) != 0)
        {
            if ((int)(found >>> 32) == hash)
            {
                var e = (int)found - 1;
                var start = _starts[e];
                if (_bytes.AsSpan(start, _starts[e + 1] - start).SequenceEqual(utf8))
                {
                    return _codes[e];
                }
            }

            slot = (slot + 1) & mask;
        }

        var code = NewCode(utf8);
        Add(utf8, hash, code, slot);
        return code;
    }

    private int NewCode(ReadOnlySpan<byte> utf8)
    {
        if (_byText is null)
        {
            if (Utf8.IsValid(utf8))
            {
                return _categoryCount++;
            }

            _strings = new List<string>(_categoryCount * 2);
            _byText = new Dictionary<string, int>(_categoryCount * 2, StringComparer.Ordinal);
            for (var e = 0; e < _entries; e++)
            {
                var text = Encoding.UTF8.GetString(_bytes.AsSpan(_starts[e], _starts[e + 1] - _starts[e]));
                _byText.Add(text, e);
                _strings.Add(text);
            }
        }

        var decoded = Encoding.UTF8.GetString(utf8);
        if (_byText.TryGetValue(decoded, out var known))
        {
            return known;
        }

        _byText.Add(decoded, _categoryCount);
        _strings!.Add(decoded);
        return _categoryCount++;
    }

    private void Add(ReadOnlySpan<byte> utf8, int hash, int code, int slot)
    {
        var e = _entries++;
        if (_entries == _codes.Length)
        {
            _codes = Grown(_codes, _codes.Length * 2);
            _starts = Grown(_starts, _codes.Length + 1);
        }

        var start = _starts[e];
        if (start + utf8.Length > _bytes.Length)
        {
            _bytes = Grown(_bytes, Math.Max(_bytes.Length * 2, start + utf8.Length));
        }

        utf8.CopyTo(_bytes.AsSpan(start));
        _starts[e + 1] = start + utf8.Length;
        _codes[e] = code;
        _slots[slot] = ((long)hash << 32) | (uint)(e + 1);
        if (_entries * 2 > _slots.Length)
        {
            Rehash(_slots.Length * 2);
        }
    }

    private void Rehash(int length)
    {
        var slots = HugePages.AllocateUninitialized<long>(length);
        slots.AsSpan().Clear();
        var mask = slots.Length - 1;
        foreach (var found in _slots)
        {
            if (found == 0)
            {
                continue;
            }

            var slot = (int)(found >>> 32) & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = found;
        }

        _slots = slots;
    }

    /// <summary>A copy of <paramref name="array"/> with room for <paramref name="length"/> elements.</summary>
    private static T[] Grown<T>(T[] array, int length)
        where T : unmanaged
    {
        var grown = HugePages.AllocateUninitialized<T>(length);
        array.CopyTo(grown, 0);
        return grown;
    }

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode);
        hash.AddBytes(utf8);
        return hash.ToHashCode() & int.MaxValue;
    }
}

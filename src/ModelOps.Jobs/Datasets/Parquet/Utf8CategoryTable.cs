using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using ModelOps.Core.Data;
using ModelOps.Core.Interop.Linux;
using ModelOps.Core.Learning;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>
/// The distinct strings of a column being read, found by their UTF-8 bytes: a value seen before costs a hash of its
/// bytes and one comparison, with no decoding and no allocation; a new one costs a copy of its bytes, and no .NET string
/// is made: the column keeps the bytes (<see cref="Utf8Categories"/>) and decodes a value when it is asked for. Codes
/// number the distinct strings in order of first appearance, as a frame's string column wants them.
/// </summary>
/// <remarks>
/// Open addressing with linear probing over a power-of-two slot array kept at most half full. A slot is two 64-bit
/// words in one cache line: the entry's hash and number, and where its bytes are (start and length in one shared
/// array), so a probe reads the slot and then the bytes it compares, and nothing else. Columns with a million distinct
/// values make these arrays tens of megabytes, read at random, so a lookup would wait on two memory reads one after the
/// other: <see cref="Codes"/> looks up a batch of values as a pipeline instead, hashing a value and prefetching its
/// slot 16 values ahead and prefetching the bytes its slot points at 8 ahead, so that many reads are in flight at once
/// (the 1,000,000 distinct values of the Parquet bench's <c>session</c> column took about 200 ns each one at a time).
/// The arrays are allocated on huge pages where Linux gives them (<see cref="HugePages"/>), which spares the
/// translation misses of 4 KiB pages. Valid UTF-8 and strings map one to one, so bytes alone decide and each entry is
/// a category. Invalid bytes decode with U+FFFD and may give a string already held (or one later valid bytes give), so
/// from the first invalid value on, the table makes strings: the categories so far are decoded, new values are also
/// checked by their text, and such bytes become another entry of the existing code.
/// </remarks>
internal sealed class Utf8CategoryTable
{
    /// <summary>The categories as strings, from the first invalid UTF-8 value on; until then each entry is a category.</summary>
    private List<string>? _strings;
    private int _categoryCount;
    /// <summary>How many values ahead of the one looked up <see cref="Codes"/> hashes a value and prefetches its slot.</summary>
    private const int SlotDistance = 16;

    /// <summary>How many values ahead <see cref="Codes"/> prefetches the bytes a value's slot points at.</summary>
    private const int BytesDistance = 8;

    /// <summary>
    /// Two words per slot: <c>hash &lt;&lt; 32 | entry + 1</c> (0: empty) and <c>start &lt;&lt; 32 | length</c>. Rented
    /// from the shared pool and returned by <see cref="Column"/>: the slots are the one array the column does not keep
    /// (32 MB for a million distinct values), and memory Linux has to hand out afresh costs about 0.6 ms a megabyte on
    /// the first write here, so a process reading one file after another reuses them.
    /// </summary>
    private long[] _slots = EmptySlots(64);
    private int[] _codes = new int[32];
    private int[] _starts = new int[33];
    private byte[] _bytes = new byte[1024];
    private int _entries;
    private Dictionary<string, int>? _byText;

    /// <summary>The distinct strings so far.</summary>
    public int Count => _categoryCount;

    /// <summary>The column of <paramref name="codes"/> into the distinct strings (in order of first appearance); the table must not be used afterwards.</summary>
    public StringColumn Column(string name, int[] codes, ulong[]? nulls)
    {
        ArrayPool<long>.Shared.Return(_slots);
        _slots = [];
        return _strings is null
            ? new StringColumn(name, codes, new Utf8Categories(_bytes, _starts, _entries), nulls)
            : new StringColumn(name, codes, [.. _strings], nulls);
    }

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

        var slots = (int)Math.Min(1L << 29, (long)BitOperations.RoundUpToPowerOf2((uint)entries) * 2);
        _codes = HugePages.Resized(_codes, entries + 1, _codes.Length);
        _starts = HugePages.Resized(_starts, entries + 2, _starts.Length);
        _bytes = HugePages.Resized(_bytes, (int)Math.Min(System.Array.MaxLength, Math.Max(_bytes.Length, bytes)), _bytes.Length);
        if (2 * slots > _slots.Length)
        {
            Rehash(slots);
        }
    }

    /// <summary>The code of the string whose UTF-8 bytes are <paramref name="utf8"/>, adding it when new.</summary>
    public int Code(ReadOnlySpan<byte> utf8) => Find(utf8, Hash(utf8));

    /// <summary>
    /// Looks up the strings <paramref name="entries"/> of an Arrow string buffer (string <c>e</c> is
    /// <c>data[offsets[e]..offsets[e + 1]]</c>), adding the new ones in the order given, and writes each one's code at
    /// its entry: <c>codeOf[entries[k]]</c>. The same codes as <see cref="Code"/> one value after another, with the
    /// memory reads of the values ahead started early (the class remarks).
    /// </summary>
    public void Codes(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, ReadOnlySpan<int> entries, Span<int> codeOf)
    {
        const int Ring = 32; // > SlotDistance: the hashes computed ahead and not yet used
        Span<int> hashes = stackalloc int[Ring];
        var n = entries.Length;
        for (var k = 0; k < Math.Min(n, SlotDistance); k++)
        {
            hashes[k] = HashAndPrefetch(data, offsets, entries[k]);
        }

        for (var k = 0; k < n; k++)
        {
            if (k + SlotDistance < n)
            {
                hashes[(k + SlotDistance) % Ring] = HashAndPrefetch(data, offsets, entries[k + SlotDistance]);
            }

            if (k + BytesDistance < n)
            {
                PrefetchBytes(hashes[(k + BytesDistance) % Ring]);
            }

            var e = entries[k];
            codeOf[e] = Find(data[offsets[e]..offsets[e + 1]], hashes[k % Ring]);
        }
    }

    private int HashAndPrefetch(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, int entry)
    {
        var hash = Hash(data[offsets[entry]..offsets[entry + 1]]);
        CacheHints.Prefetch(ref _slots[2 * (hash & ((_slots.Length / 2) - 1))]);
        return hash;
    }

    /// <summary>Prefetches the bytes of the entry in the first slot <paramref name="hash"/> probes, when its hash is the same.</summary>
    private void PrefetchBytes(int hash)
    {
        var slot = 2 * (hash & ((_slots.Length / 2) - 1));
        var found = _slots[slot];
        if (found != 0 && (int)(found >>> 32) == hash)
        {
            CacheHints.Prefetch(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bytes), (int)(_slots[slot + 1] >>> 32))); // may be the end of the array: never read
        }
    }

    private int Find(ReadOnlySpan<byte> utf8, int hash)
    {
        var slots = _slots;
        var mask = (slots.Length / 2) - 1;
        var slot = hash & mask;
        long found;
        while ((found = slots[2 * slot]) != 0)
        {
            if ((int)(found >>> 32) == hash)
            {
                var place = slots[(2 * slot) + 1];
                if (_bytes.AsSpan((int)(place >>> 32), (int)place).SequenceEqual(utf8))
                {
                    var e = (int)found - 1;
                    return _byText is null ? e : _codes[e]; // an entry is its category until the first invalid value
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
            _codes = HugePages.Resized(_codes, _codes.Length * 2, _codes.Length);
            _starts = HugePages.Resized(_starts, _codes.Length + 1, _starts.Length);
        }

        var start = _starts[e];
        if (start + utf8.Length > _bytes.Length)
        {
            _bytes = HugePages.Resized(_bytes, Math.Max(_bytes.Length * 2, start + utf8.Length), _bytes.Length);
        }

        utf8.CopyTo(_bytes.AsSpan(start));
        _starts[e + 1] = start + utf8.Length;
        _codes[e] = code;
        _slots[2 * slot] = ((long)hash << 32) | (uint)(e + 1);
        _slots[(2 * slot) + 1] = ((long)start << 32) | (uint)utf8.Length;
        if (_entries > _slots.Length / 4)
        {
            Rehash(_slots.Length); // twice the slots: two words each
        }
    }

    /// <summary>Moves the entries into <paramref name="count"/> slots (a power of two, so the pool's array has that length).</summary>
    private void Rehash(int count)
    {
        var slots = EmptySlots(count);
        var mask = count - 1;
        for (var from = 0; from < _slots.Length; from += 2)
        {
            var found = _slots[from];
            if (found == 0)
            {
                continue;
            }

            var slot = (int)(found >>> 32) & mask;
            while (slots[2 * slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[2 * slot] = found;
            slots[(2 * slot) + 1] = _slots[from + 1];
        }

        ArrayPool<long>.Shared.Return(_slots);
        _slots = slots;
    }

    /// <summary><paramref name="count"/> empty slots (a power of two) from the pool.</summary>
    private static long[] EmptySlots(int count)
    {
        var slots = ArrayPool<long>.Shared.Rent(2 * count);
        HugePages.Prepare(slots);
        slots.AsSpan().Clear();
        return slots;
    }

    /// <summary>
    /// A 31-bit hash of <paramref name="utf8"/>: eight bytes at a time (the last eight overlapping the ones before when
    /// the length is not a multiple of 8), each word mixed in with a multiply, then the bits folded down. About a third
    /// of the cost of <see cref="HashCode.AddBytes"/> on the 16-25 byte strings of ids and e-mail addresses, which is
    /// most of what a lookup computes; the table only needs the low bits spread (its slot) and the high bits to tell
    /// values apart before comparing bytes.
    /// </summary>
    internal static int Hash(ReadOnlySpan<byte> utf8)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        ref var start = ref MemoryMarshal.GetReference(utf8);
        var length = utf8.Length;
        ulong hash;
        if (length >= 8)
        {
            hash = (ulong)length * Multiplier;
            for (var i = 0; i < length - 8; i += 8)
            {
                hash = Mix(hash ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
            }

            hash = Mix(hash ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8)));
        }
        else if (length >= 4)
        {
            var first = Unsafe.ReadUnaligned<uint>(ref start);
            var last = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4));
            hash = Mix((((ulong)first << 32) | last) ^ ((ulong)length * Multiplier));
        }
        else if (length > 0)
        {
            var bytes = start | ((uint)Unsafe.Add(ref start, length / 2) << 8) | ((uint)Unsafe.Add(ref start, length - 1) << 16);
            hash = Mix(bytes ^ ((ulong)length * Multiplier));
        }
        else
        {
            hash = Multiplier;
        }

        hash ^= hash >> 29;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 32;
        return (int)hash & int.MaxValue;

        static ulong Mix(ulong value) => BitOperations.RotateLeft(value * Multiplier, 31) * 0x94D049BB133111EBUL;
    }
}

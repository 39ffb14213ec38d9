using System.Text;
using System.Text.Unicode;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>
/// The distinct strings of a column being read, found by their UTF-8 bytes: a value seen before costs a hash of its
/// bytes and one comparison, with no decoding and no allocation; a new one is decoded to a .NET string once. Codes
/// number the distinct strings in order of first appearance, as a frame's string column wants them.
/// </summary>
/// <remarks>
/// Open addressing with linear probing over a power-of-two slot array kept at most half full; each entry keeps its
/// bytes in one shared array, its hash and its code. Valid UTF-8 and strings map one to one, so bytes alone decide;
/// invalid bytes decode with U+FFFD and may give a string already held (or one later valid bytes give), so from the
/// first invalid value on, new strings are also checked by their text and such bytes become another entry of the
/// existing code.
/// </remarks>
internal sealed class Utf8CategoryTable
{
    private readonly List<string> _categories = [];
    private int[] _slots = new int[64];
    private int[] _hashes = new int[32];
    private int[] _codes = new int[32];
    private int[] _starts = new int[33];
    private byte[] _bytes = new byte[1024];
    private int _entries;
    private Dictionary<string, int>? _byText;

    /// <summary>The distinct strings, in order of first appearance.</summary>
    public List<string> Categories => _categories;

    /// <summary>The code of the string whose UTF-8 bytes are <paramref name="utf8"/>, adding it when new.</summary>
    public int Code(ReadOnlySpan<byte> utf8)
    {
        var hash = Hash(utf8);
        var mask = _slots.Length - 1;
        var slot = hash & mask;
        int entry;
        while ((entry = _slots[slot]) != 0)
        {
            var e = entry - 1;
            if (_hashes[e] == hash && _bytes.AsSpan(_starts[e], _starts[e + 1] - _starts[e]).SequenceEqual(utf8))
            {
                return _codes[e];
            }

            slot = (slot + 1) & mask;
        }

        var code = NewCode(utf8);
        Add(utf8, hash, code, slot);
        return code;
    }

    private int NewCode(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8);
        if (_byText is null && !Utf8.IsValid(utf8))
        {
            _byText = new Dictionary<string, int>(_categories.Count * 2, StringComparer.Ordinal);
            for (var c = 0; c < _categories.Count; c++)
            {
                _byText.Add(_categories[c], c);
            }
        }

        if (_byText is not null)
        {
            if (_byText.TryGetValue(text, out var known))
            {
                return known;
            }

            _byText.Add(text, _categories.Count);
        }

        _categories.Add(text);
        return _categories.Count - 1;
    }

    private void Add(ReadOnlySpan<byte> utf8, int hash, int code, int slot)
    {
        var e = _entries++;
        if (_entries == _hashes.Length)
        {
            System.Array.Resize(ref _hashes, _hashes.Length * 2);
            System.Array.Resize(ref _codes, _hashes.Length);
            System.Array.Resize(ref _starts, _hashes.Length + 1);
        }

        var start = _starts[e];
        if (start + utf8.Length > _bytes.Length)
        {
            System.Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, start + utf8.Length));
        }

        utf8.CopyTo(_bytes.AsSpan(start));
        _starts[e + 1] = start + utf8.Length;
        _hashes[e] = hash;
        _codes[e] = code;
        _slots[slot] = e + 1;
        if (_entries * 2 > _slots.Length)
        {
            Grow();
        }
    }

    private void Grow()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        for (var e = 0; e < _entries; e++)
        {
            var slot = _hashes[e] & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = e + 1;
        }

        _slots = slots;
    }

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode);
        hash.AddBytes(utf8);
        return hash.ToHashCode() & int.MaxValue;
    }
}

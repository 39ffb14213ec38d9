using System.Text;

namespace ModelOps.Store.Groups;

/// <summary>
/// Maps a routing key to a bucket in [0, 100) the same way in every process and run: FNV-1a 64 over
/// the UTF-8 bytes of <c>group '\n' key</c>, then the SplitMix64 finalizer to spread the bits.
/// </summary>
public static class StickyHash
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    /// <summary>The bucket in [0, 100) of <paramref name="key"/> in <paramref name="group"/>.</summary>
    public static int Bucket(string group, string key)
    {
        var hash = FnvOffset;
        hash = Mix(hash, group);
        hash = (hash ^ '\n') * FnvPrime;
        hash = Mix(hash, key);
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EB;
        hash ^= hash >> 31;
        return (int)(hash % 100);
    }

    private static ulong Mix(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }
}

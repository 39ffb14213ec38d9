using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ModelOps.Core.Learning;

/// <summary>
/// Hints to the processor's caches. The only unsafe code of ModelOps.Core: a prefetch takes an
/// address, is never dereferenced by us, and cannot fault; if the garbage collector moved the array
/// since, it just fetches a line nobody reads.
/// </summary>
internal static unsafe class CacheHints
{
    /// <summary>Starts loading the cache line of <paramref name="location"/> into all cache levels (x86 PREFETCHT0; nothing elsewhere).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Prefetch<T>(ref T location)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref location));
        }
    }
}

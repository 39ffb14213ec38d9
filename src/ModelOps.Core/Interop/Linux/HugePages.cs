using System.Runtime.InteropServices;

namespace ModelOps.Core.Interop.Linux;

/// <summary>
/// Large arrays backed by transparent huge pages where Linux offers them on request (<c>madvise</c> mode, the default
/// of many distributions): the first write to a fresh 2 MiB huge page costs one fault instead of 512 faults of 4 KiB
/// pages, which on a virtual machine cost 4 to 23 us each (docs/benchmarks.md, Parquet).
/// </summary>
/// <remarks>
/// The advice (<c>madvise(MADV_HUGEPAGE)</c>) covers the whole 2 MiB pages inside the array; it is a hint that the kernel
/// may ignore, and does nothing on other systems or when it fails. A large array lives in the garbage collector's large
/// object heap, which does not move it unless asked to compact it; a moved array would only lose the advice.
/// </remarks>
internal static partial class HugePages
{
    /// <summary>The size of a huge page on x64 and arm64 Linux.</summary>
    private const long HugePageSize = 2 * 1024 * 1024;

    /// <summary><c>MADV_HUGEPAGE</c> of Linux's <c>mman-common.h</c>.</summary>
    private const int MadviseHugePage = 14;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>An array of <paramref name="length"/> elements, not zeroed, its memory advised for huge pages when it spans at least two of them.</summary>
    public static T[] AllocateUninitialized<T>(int length)
        where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        Advise(array);
        return array;
    }

    /// <summary>Advises the whole huge pages inside <paramref name="array"/>'s memory, before they are first written.</summary>
    public static unsafe void Advise<T>(T[] array)
        where T : unmanaged
    {
        if (_unavailable || (long)array.Length * sizeof(T) < 2 * HugePageSize)
        {
            return;
        }

        fixed (T* first = array)
        {
            var start = ((long)first + HugePageSize - 1) & ~(HugePageSize - 1);
            var end = (long)(first + array.Length) & ~(HugePageSize - 1);
            if (end > start && Madvise((nint)start, (nuint)(end - start), MadviseHugePage) != 0)
            {
                _unavailable = true; // a kernel without transparent huge pages: not asked again
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}

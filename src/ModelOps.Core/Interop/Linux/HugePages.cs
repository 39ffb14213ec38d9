using System.Runtime.InteropServices;

namespace ModelOps.Core.Interop.Linux;

/// <summary>
/// Large arrays whose memory is made ready before it is written: advised for transparent huge pages where Linux offers
/// them on request (<c>madvise</c> mode, the default of many distributions) and populated in one system call, so that
/// the first writes to fresh memory do not fault page after page. On a virtual machine each such fault costs 4 to 23 us
/// (docs/benchmarks.md, Parquet): a Parquet read of 1,000,000 x 20 into a frame faulted about 9,000 times before this.
/// </summary>
/// <remarks>
/// The huge-page advice (<c>madvise(MADV_HUGEPAGE)</c>) covers the whole 2 MiB pages inside the array; populating
/// (<c>madvise(MADV_POPULATE_WRITE)</c>, Linux 5.14 and later) makes every 4 KiB page inside the array present and
/// writable at once, as a write would, huge pages where the advice allows. Both are hints: on another system, an older
/// kernel or any failure the array is an ordinary array whose pages fault on first write. A large array lives in the
/// garbage collector's large object heap, which does not move it unless asked to compact it; a moved array would only
/// lose the advice.
/// </remarks>
internal static partial class HugePages
{
    /// <summary>The size of a huge page on x64 and arm64 Linux.</summary>
    private const long HugePageSize = 2 * 1024 * 1024;

    /// <summary>The smallest page size of x64 and arm64 Linux: the unit of <c>madvise</c> ranges.</summary>
    private const long PageSize = 4096;

    /// <summary>Arrays smaller than this are left alone: they live in the small object heap, mostly in memory already present.</summary>
    private const long SmallestPrepared = 64 * 1024;

    /// <summary><c>MADV_HUGEPAGE</c> of Linux's <c>mman-common.h</c>.</summary>
    private const int MadviseHugePage = 14;

    /// <summary><c>MADV_POPULATE_WRITE</c> of Linux's <c>mman-common.h</c>.</summary>
    private const int MadvisePopulateWrite = 23;

    private static bool _noHugePages = !OperatingSystem.IsLinux();
    private static bool _noPopulate = !OperatingSystem.IsLinux();

    /// <summary>An array of <paramref name="length"/> elements, not zeroed, its memory prepared (<see cref="Prepare"/>).</summary>
    public static T[] AllocateUninitialized<T>(int length)
        where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        Prepare(array);
        return array;
    }

    /// <summary>
    /// A new array of <paramref name="length"/> elements, its memory prepared (<see cref="Prepare"/>), holding the first
    /// <paramref name="keep"/> elements of <paramref name="array"/>; the elements after them are not zeroed.
    /// </summary>
    public static T[] Resized<T>(T[] array, int length, int keep)
        where T : unmanaged
    {
        var resized = AllocateUninitialized<T>(length);
        array.AsSpan(0, keep).CopyTo(resized);
        return resized;
    }

    /// <summary>An array of <paramref name="length"/> zeros, its memory prepared (<see cref="Prepare"/>).</summary>
    public static T[] Allocate<T>(int length)
        where T : unmanaged
    {
        var array = new T[length];
        Prepare(array);
        return array;
    }

    /// <summary>An array of <paramref name="length"/> zeros (a <see cref="long"/> length), its memory prepared (<see cref="Prepare"/>).</summary>
    public static T[] Allocate<T>(long length)
        where T : unmanaged
    {
        var array = new T[length];
        Prepare(array);
        return array;
    }

    /// <summary>
    /// Advises the whole huge pages inside <paramref name="array"/>'s memory and populates its pages, before they are
    /// first written. Costs a walk of the page tables when the pages are present already (an array reused from a pool).
    /// </summary>
    public static unsafe void Prepare<T>(T[] array)
        where T : unmanaged
    {
        if ((long)array.Length * sizeof(T) < SmallestPrepared)
        {
            return;
        }

        fixed (T* first = array)
        {
            var end = (long)(first + array.Length);
            if (!_noHugePages)
            {
                var hugeStart = ((long)first + HugePageSize - 1) & ~(HugePageSize - 1);
                var hugeEnd = end & ~(HugePageSize - 1);
                if (hugeEnd > hugeStart && Madvise((nint)hugeStart, (nuint)(hugeEnd - hugeStart), MadviseHugePage) != 0)
                {
                    _noHugePages = true; // a kernel without transparent huge pages: not asked again
                }
            }

            // Only the pages wholly inside the array: the first and last may hold other objects.
            var start = ((long)first + PageSize - 1) & ~(PageSize - 1);
            var pagesEnd = end & ~(PageSize - 1);
            if (!_noPopulate && pagesEnd > start && Madvise((nint)start, (nuint)(pagesEnd - start), MadvisePopulateWrite) != 0)
            {
                _noPopulate = true; // a kernel before 5.14: the pages fault one by one, as without the call
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}

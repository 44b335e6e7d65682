using System.Runtime.InteropServices;

namespace VnQuantum.Simulation;

/// <summary>
/// A block of native memory for amplitudes. Large blocks on Linux come straight from <c>mmap</c>, aligned to 2 MiB and
/// advised for transparent huge pages: the kernel hands them out zeroed, and one fault maps 2 MiB instead of 4 KiB.
/// </summary>
/// <remarks>
/// Why: an empty 28-qubit run spent its 9–12 s of wall time, most of it system time, in the first touch of 4 GiB —
/// a million 4 KiB page faults while clearing memory the kernel had already zeroed. With 2 MiB pages the first touch
/// costs a fraction of that, and gates on high target qubits miss the TLB less. Where huge pages are off the advice is
/// ignored and only the redundant clear is saved. Small blocks, and other systems, use
/// <see cref="NativeMemory.AlignedAlloc(nuint, nuint)"/>: an <c>mmap</c> per small state would cost more than it saves.
/// </remarks>
internal unsafe sealed partial class AmplitudeMemory
{
    /// <summary>Blocks from this size up are mapped: 32 MiB, 21 qubits in double precision.</summary>
    public const long MappedFrom = 32L << 20;

    private const long HugePage = 2L << 20;
    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20, AdviseHugePage = 14;

    private nint _mapping;
    private readonly nuint _mappedBytes;

    private AmplitudeMemory(void* data, nint mapping, nuint mappedBytes, bool zeroed)
    {
        Data = data;
        _mapping = mapping;
        _mappedBytes = mappedBytes;
        IsZeroed = zeroed;
    }

    /// <summary>The block, 64-byte aligned at least; null once freed.</summary>
    public void* Data { get; private set; }

    /// <summary>Whether the block read zero when it was allocated (a fresh mapping does; the allocator's need not).</summary>
    public bool IsZeroed { get; }

    /// <summary>Whether a block of <paramref name="bytes"/> is mapped.</summary>
    public static bool IsMapped(long bytes) => bytes >= MappedFrom && OperatingSystem.IsLinux();

    /// <summary>Allocates <paramref name="bytes"/>.</summary>
    /// <exception cref="OutOfMemoryException">The system refused the memory.</exception>
    public static AmplitudeMemory Allocate(long bytes)
    {
        if (!IsMapped(bytes))
        {
            return new AmplitudeMemory(NativeMemory.AlignedAlloc((nuint)bytes, 64), 0, 0, zeroed: false);
        }

        // Over-map by one huge page and start at the first 2 MiB boundary inside; Free unmaps the whole mapping.
        nuint mappedBytes = (nuint)(bytes + HugePage);
        nint mapping = Mmap(0, mappedBytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (mapping == -1)
        {
            throw new OutOfMemoryException($"mmap of {mappedBytes} bytes failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        nint start = (nint)(((long)mapping + HugePage - 1) & ~(HugePage - 1));

        // Advice only: a kernel without transparent huge pages answers EINVAL and 4 KiB pages serve as before.
        _ = Madvise(start, (nuint)bytes, AdviseHugePage);
        return new AmplitudeMemory((void*)start, mapping, mappedBytes, zeroed: true);
    }

    /// <summary>Returns the block to the system; a second call does nothing.</summary>
    public void Free()
    {
        if (Data == null)
        {
            return;
        }

        if (_mapping != 0)
        {
            _ = Munmap(_mapping, _mappedBytes);
            _mapping = 0;
        }
        else
        {
            NativeMemory.AlignedFree(Data);
        }

        Data = null;
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}

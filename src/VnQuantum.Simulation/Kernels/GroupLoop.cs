using System.Runtime.CompilerServices;

namespace VnQuantum.Simulation.Kernels;

/// <summary>A kernel that processes one contiguous run of groups; <c>baseIndex</c> has the gate's qubits at 0 and its controls at 1.</summary>
internal interface IRunKernel
{
    void Run(long baseIndex, long length);
}

/// <summary>
/// The one loop skeleton under every gate: enumerate the 2^(n-k) groups of a gate on k qubits (targets and
/// controls), by inserting a zero bit at each of the k positions of the group number, and hand contiguous runs to the
/// kernel. Runs are 2^(lowest position) long, so vector kernels see long runs unless the gate touches qubit 0 or 1.
/// </summary>
internal static unsafe class GroupLoop
{
    public const int MaxPositions = 31;

    internal struct Job<TKernel>
        where TKernel : unmanaged, IRunKernel
    {
        public TKernel Kernel;
        public long SetMask;
        public long RunLength;
        public int PositionCount;
        public fixed int Positions[MaxPositions];
    }

    public static void Run<TKernel>(WorkerPool pool, in TKernel kernel, int qubitCount, ReadOnlySpan<int> positions, long setMask)
        where TKernel : unmanaged, IRunKernel
    {
        var job = new Job<TKernel> { Kernel = kernel, SetMask = setMask, PositionCount = positions.Length };
        for (int i = 0; i < positions.Length; i++)
        {
            // Insertion sort: k is tiny.
            int value = positions[i];
            int j = i - 1;
            while (j >= 0 && job.Positions[j] > value)
            {
                job.Positions[j + 1] = job.Positions[j];
                j--;
            }

            job.Positions[j + 1] = value;
        }

        long groups = 1L << (qubitCount - positions.Length);
        job.RunLength = positions.Length == 0 ? groups : 1L << job.Positions[0];
        pool.Run(&Body<TKernel>, Unsafe.AsPointer(ref job), groups);
    }

    private static void Body<TKernel>(void* context, long start, long end)
        where TKernel : unmanaged, IRunKernel
    {
        ref var job = ref Unsafe.AsRef<Job<TKernel>>(context);
        long runLength = job.RunLength;
        long g = start;
        while (g < end)
        {
            long offset = g & (runLength - 1);
            long length = Math.Min(runLength - offset, end - g);
            long index = g;
            for (int i = 0; i < job.PositionCount; i++)
            {
                int p = job.Positions[i];
                index = ((index >> p) << (p + 1)) | (index & ((1L << p) - 1));
            }

            job.Kernel.Run(index | job.SetMask, length);
            g += length;
        }
    }
}

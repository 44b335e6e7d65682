using System.Runtime.Intrinsics;

namespace VnQuantum.Benchmarks;

/// <summary>
/// The floor a gate is measured against: one in-place pass that reads and writes every amplitude once (multiply by
/// a real constant), split into one contiguous slice per thread. Written plainly here, independent of the engine.
/// </summary>
internal static unsafe class StreamingFloor
{
    public static void Pass(double* data, long doubles, int threads, double factor)
    {
        long slice = doubles / threads / 8 * 8;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            double* p = data + (t * slice);
            long end = t == threads - 1 ? doubles - (t * slice) : slice;
            var f = Vector512.Create(factor);
            long i = 0;
            for (; i + 8 <= end; i += 8)
            {
                (Vector512.Load(p + i) * f).Store(p + i);
            }

            for (; i < end; i++)
            {
                p[i] *= factor;
            }
        });
    }
}

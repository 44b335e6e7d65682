using System.Numerics;
using System.Runtime.CompilerServices;

namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// Sums over the whole state in fixed-size chunks, each chunk's partial stored at its own index and added up in
/// chunk order afterwards: the same bits on any thread count, so a seeded measurement never depends on --threads.
/// </summary>
internal static unsafe class Reductions
{
    public const long ChunkLength = 1L << 12;

    private struct NormJob<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public T* Data;
        public double* Partials;
        public long Mask;
        public long Value;
    }

    private struct PauliJob<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public T* Data;
        public double* PartialRe;
        public double* PartialIm;
        public long XMask;
        public long ZMask;
    }

    /// <summary>Σ |a_i|² over indices with (i &amp; mask) == value, one partial per chunk into <paramref name="partials"/>.</summary>
    public static void ChunkProbabilities<T>(WorkerPool pool, T* data, long length, long mask, long value, Span<double> partials)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        fixed (double* p = partials)
        {
            var job = new NormJob<T> { Data = data, Partials = p, Mask = mask, Value = value };
            pool.RunFixedChunks(&NormBody<T>, Unsafe.AsPointer(ref job), length, ChunkLength);
        }
    }

    public static long ChunkCount(long length) => (length + ChunkLength - 1) / ChunkLength;

    /// <summary>Σ |a_i|² over indices with (i &amp; mask) == value.</summary>
    public static double Probability<T>(WorkerPool pool, T* data, long length, long mask, long value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        long chunks = ChunkCount(length);
        double[] partials = new double[chunks];
        ChunkProbabilities(pool, data, length, mask, value, partials);
        double sum = 0;
        foreach (double x in partials)
        {
            sum += x;
        }

        return sum;
    }

    /// <summary>⟨ψ|P|ψ⟩ without the i^(#Y) factor: Σ_i conj(a_{i⊕x}) (−1)^{popcount(i∧z)} a_i.</summary>
    public static Complex PauliSum<T>(WorkerPool pool, T* data, long length, long xMask, long zMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        long chunks = ChunkCount(length);
        double[] re = new double[chunks];
        double[] im = new double[chunks];
        fixed (double* pr = re, pi = im)
        {
            var job = new PauliJob<T> { Data = data, PartialRe = pr, PartialIm = pi, XMask = xMask, ZMask = zMask };
            pool.RunFixedChunks(&PauliBody<T>, Unsafe.AsPointer(ref job), length, ChunkLength);
        }

        double sumRe = 0, sumIm = 0;
        for (long c = 0; c < chunks; c++)
        {
            sumRe += re[c];
            sumIm += im[c];
        }

        return new Complex(sumRe, sumIm);
    }

    private static void NormBody<T>(void* context, long start, long end)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<NormJob<T>>(context);
        double sum = 0;
        T* d = job.Data;
        if (job.Mask == 0)
        {
            for (long i = start; i < end; i++)
            {
                double re = double.CreateTruncating(d[2 * i]);
                double im = double.CreateTruncating(d[(2 * i) + 1]);
                sum += (re * re) + (im * im);
            }
        }
        else
        {
            for (long i = start; i < end; i++)
            {
                if ((i & job.Mask) == job.Value)
                {
                    double re = double.CreateTruncating(d[2 * i]);
                    double im = double.CreateTruncating(d[(2 * i) + 1]);
                    sum += (re * re) + (im * im);
                }
            }
        }

        job.Partials[start / ChunkLength] = sum;
    }

    private static void PauliBody<T>(void* context, long start, long end)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref var job = ref Unsafe.AsRef<PauliJob<T>>(context);
        double sumRe = 0, sumIm = 0;
        T* d = job.Data;
        for (long i = start; i < end; i++)
        {
            long partner = i ^ job.XMask;
            double ar = double.CreateTruncating(d[2 * i]), ai = double.CreateTruncating(d[(2 * i) + 1]);
            double br = double.CreateTruncating(d[2 * partner]), bi = double.CreateTruncating(d[(2 * partner) + 1]);

            // conj(b) · a
            double re = (br * ar) + (bi * ai);
            double im = (br * ai) - (bi * ar);
            if ((BitOperations.PopCount((ulong)(i & job.ZMask)) & 1) != 0)
            {
                re = -re;
                im = -im;
            }

            sumRe += re;
            sumIm += im;
        }

        job.PartialRe[start / ChunkLength] = sumRe;
        job.PartialIm[start / ChunkLength] = sumIm;
    }
}

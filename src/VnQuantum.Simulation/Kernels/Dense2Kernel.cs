using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VnQuantum.Simulation.Kernels;

/// <summary>A general 4×4 unitary on two targets; matrix index bit 0 is the first target (Qiskit's order).</summary>
internal unsafe struct Dense2Kernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public T* Data;
    public long Offset0;
    public long Offset1;
    public int Width;

    /// <summary>Row-major 4×4 coefficients, on the dispatching thread's stack.</summary>
    public Coefficient<T>* M;

    public void Run(long baseIndex, long length)
    {
        T* p0 = Data + (2 * baseIndex);
        T* p1 = p0 + (2 * Offset0);
        T* p2 = p0 + (2 * Offset1);
        T* p3 = p1 + (2 * Offset1);
        Coefficient<T>* m = M;
        long j = 0;
        if (Width == 512)
        {
            long step = Vector512<T>.Count / 2;

            // Two groups per iteration: twice the independent FMA chains in flight, so the multiply-adds of one
            // group overlap the loads and the accumulation latency of the other.
            for (; j + (2 * step) <= length; j += 2 * step)
            {
                long o = 2 * j, q = o + (2 * step);
                var a0 = Vector512.Load(p0 + o); var s0 = ComplexLanes.Swap(a0);
                var a1 = Vector512.Load(p1 + o); var s1 = ComplexLanes.Swap(a1);
                var a2 = Vector512.Load(p2 + o); var s2 = ComplexLanes.Swap(a2);
                var a3 = Vector512.Load(p3 + o); var s3 = ComplexLanes.Swap(a3);
                var b0 = Vector512.Load(p0 + q); var t0 = ComplexLanes.Swap(b0);
                var b1 = Vector512.Load(p1 + q); var t1 = ComplexLanes.Swap(b1);
                var b2 = Vector512.Load(p2 + q); var t2 = ComplexLanes.Swap(b2);
                var b3 = Vector512.Load(p3 + q); var t3 = ComplexLanes.Swap(b3);
                var r0 = Row512(m, a0, s0, a1, s1, a2, s2, a3, s3);
                var u0 = Row512(m, b0, t0, b1, t1, b2, t2, b3, t3);
                var r1 = Row512(m + 4, a0, s0, a1, s1, a2, s2, a3, s3);
                var u1 = Row512(m + 4, b0, t0, b1, t1, b2, t2, b3, t3);
                var r2 = Row512(m + 8, a0, s0, a1, s1, a2, s2, a3, s3);
                var u2 = Row512(m + 8, b0, t0, b1, t1, b2, t2, b3, t3);
                var r3 = Row512(m + 12, a0, s0, a1, s1, a2, s2, a3, s3);
                var u3 = Row512(m + 12, b0, t0, b1, t1, b2, t2, b3, t3);
                r0.Store(p0 + o);
                u0.Store(p0 + q);
                r1.Store(p1 + o);
                u1.Store(p1 + q);
                r2.Store(p2 + o);
                u2.Store(p2 + q);
                r3.Store(p3 + o);
                u3.Store(p3 + q);
            }

            for (; j + step <= length; j += step)
            {
                long o = 2 * j;
                var a0 = Vector512.Load(p0 + o); var s0 = ComplexLanes.Swap(a0);
                var a1 = Vector512.Load(p1 + o); var s1 = ComplexLanes.Swap(a1);
                var a2 = Vector512.Load(p2 + o); var s2 = ComplexLanes.Swap(a2);
                var a3 = Vector512.Load(p3 + o); var s3 = ComplexLanes.Swap(a3);
                Row512(m, a0, s0, a1, s1, a2, s2, a3, s3).Store(p0 + o);
                Row512(m + 4, a0, s0, a1, s1, a2, s2, a3, s3).Store(p1 + o);
                Row512(m + 8, a0, s0, a1, s1, a2, s2, a3, s3).Store(p2 + o);
                Row512(m + 12, a0, s0, a1, s1, a2, s2, a3, s3).Store(p3 + o);
            }
        }
        else if (Width == 256)
        {
            long step = Vector256<T>.Count / 2;
            for (; j + step <= length; j += step)
            {
                long o = 2 * j;
                var a0 = Vector256.Load(p0 + o); var s0 = ComplexLanes.Swap(a0);
                var a1 = Vector256.Load(p1 + o); var s1 = ComplexLanes.Swap(a1);
                var a2 = Vector256.Load(p2 + o); var s2 = ComplexLanes.Swap(a2);
                var a3 = Vector256.Load(p3 + o); var s3 = ComplexLanes.Swap(a3);
                Row256(m, a0, s0, a1, s1, a2, s2, a3, s3).Store(p0 + o);
                Row256(m + 4, a0, s0, a1, s1, a2, s2, a3, s3).Store(p1 + o);
                Row256(m + 8, a0, s0, a1, s1, a2, s2, a3, s3).Store(p2 + o);
                Row256(m + 12, a0, s0, a1, s1, a2, s2, a3, s3).Store(p3 + o);
            }
        }

        for (; j < length; j++)
        {
            long o = 2 * j;
            T r0 = p0[o], i0 = p0[o + 1], r1 = p1[o], i1 = p1[o + 1];
            T r2 = p2[o], i2 = p2[o + 1], r3 = p3[o], i3 = p3[o + 1];
            RowScalar(m, r0, i0, r1, i1, r2, i2, r3, i3, p0 + o);
            RowScalar(m + 4, r0, i0, r1, i1, r2, i2, r3, i3, p1 + o);
            RowScalar(m + 8, r0, i0, r1, i1, r2, i2, r3, i3, p2 + o);
            RowScalar(m + 12, r0, i0, r1, i1, r2, i2, r3, i3, p3 + o);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Row512(Coefficient<T>* m, Vector512<T> a0, Vector512<T> s0, Vector512<T> a1, Vector512<T> s1, Vector512<T> a2, Vector512<T> s2, Vector512<T> a3, Vector512<T> s3)
    {
        var acc = ComplexFma.First(m[0].Re, m[0].ImAlt, a0, s0);
        acc = ComplexFma.Next(acc, m[1].Re, m[1].ImAlt, a1, s1);
        acc = ComplexFma.Next(acc, m[2].Re, m[2].ImAlt, a2, s2);
        return ComplexFma.Next(acc, m[3].Re, m[3].ImAlt, a3, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Row256(Coefficient<T>* m, Vector256<T> a0, Vector256<T> s0, Vector256<T> a1, Vector256<T> s1, Vector256<T> a2, Vector256<T> s2, Vector256<T> a3, Vector256<T> s3)
    {
        var acc = ComplexFma.First(m[0].Re.GetLower(), m[0].ImAlt.GetLower(), a0, s0);
        acc = ComplexFma.Next(acc, m[1].Re.GetLower(), m[1].ImAlt.GetLower(), a1, s1);
        acc = ComplexFma.Next(acc, m[2].Re.GetLower(), m[2].ImAlt.GetLower(), a2, s2);
        return ComplexFma.Next(acc, m[3].Re.GetLower(), m[3].ImAlt.GetLower(), a3, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowScalar(Coefficient<T>* m, T r0, T i0, T r1, T i1, T r2, T i2, T r3, T i3, T* output)
    {
        var acc = ComplexFma.First(m[0].R, m[0].I, r0, i0);
        acc = ComplexFma.Next(acc, m[1].R, m[1].I, r1, i1);
        acc = ComplexFma.Next(acc, m[2].R, m[2].I, r2, i2);
        (output[0], output[1]) = ComplexFma.Next(acc, m[3].R, m[3].I, r3, i3);
    }
}

/// <summary>A general 2^k×2^k unitary on k ≤ 5 targets (the output of gate fusion); matrix index bit i is target i.</summary>
internal unsafe struct DenseKernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int MaxTargets = 5;

    public T* Data;
    public int Dimension;
    public int Width;

    /// <summary>Offsets (in amplitudes) of the 2^k members of a group from its base index.</summary>
    public long* Offsets;

    /// <summary>Row-major 2^k×2^k coefficients, on the dispatching thread's stack.</summary>
    public Coefficient<T>* M;

    public void Run(long baseIndex, long length)
    {
        T* p = Data + (2 * baseIndex);
        int dim = Dimension;
        long j = 0;
        if (Width == 512)
        {
            long step = Vector512<T>.Count / 2;
            var a = stackalloc Vector512<T>[1 << MaxTargets];
            var s = stackalloc Vector512<T>[1 << MaxTargets];
            for (; j + step <= length; j += step)
            {
                for (int c = 0; c < dim; c++)
                {
                    a[c] = Vector512.Load(p + (2 * (Offsets[c] + j)));
                    s[c] = ComplexLanes.Swap(a[c]);
                }

                for (int r = 0; r < dim; r++)
                {
                    Coefficient<T>* row = M + (r * dim);
                    var acc = ComplexFma.First(row[0].Re, row[0].ImAlt, a[0], s[0]);
                    for (int c = 1; c < dim; c++)
                    {
                        acc = ComplexFma.Next(acc, row[c].Re, row[c].ImAlt, a[c], s[c]);
                    }

                    acc.Store(p + (2 * (Offsets[r] + j)));
                }
            }
        }
        else if (Width == 256)
        {
            long step = Vector256<T>.Count / 2;
            var a = stackalloc Vector256<T>[1 << MaxTargets];
            var s = stackalloc Vector256<T>[1 << MaxTargets];
            for (; j + step <= length; j += step)
            {
                for (int c = 0; c < dim; c++)
                {
                    a[c] = Vector256.Load(p + (2 * (Offsets[c] + j)));
                    s[c] = ComplexLanes.Swap(a[c]);
                }

                for (int r = 0; r < dim; r++)
                {
                    Coefficient<T>* row = M + (r * dim);
                    var acc = ComplexFma.First(row[0].Re.GetLower(), row[0].ImAlt.GetLower(), a[0], s[0]);
                    for (int c = 1; c < dim; c++)
                    {
                        acc = ComplexFma.Next(acc, row[c].Re.GetLower(), row[c].ImAlt.GetLower(), a[c], s[c]);
                    }

                    acc.Store(p + (2 * (Offsets[r] + j)));
                }
            }
        }

        if (j < length)
        {
            var re = stackalloc T[1 << MaxTargets];
            var im = stackalloc T[1 << MaxTargets];
            for (; j < length; j++)
            {
                for (int c = 0; c < dim; c++)
                {
                    T* x = p + (2 * (Offsets[c] + j));
                    re[c] = x[0];
                    im[c] = x[1];
                }

                for (int r = 0; r < dim; r++)
                {
                    Coefficient<T>* row = M + (r * dim);
                    var acc = ComplexFma.First(row[0].R, row[0].I, re[0], im[0]);
                    for (int c = 1; c < dim; c++)
                    {
                        acc = ComplexFma.Next(acc, row[c].R, row[c].I, re[c], im[c]);
                    }

                    T* x = p + (2 * (Offsets[r] + j));
                    (x[0], x[1]) = acc;
                }
            }
        }
    }
}

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
                var a0 = Vector512.Load(p0 + o); var s0 = ComplexLanes.TimesI(a0);
                var a1 = Vector512.Load(p1 + o); var s1 = ComplexLanes.TimesI(a1);
                var a2 = Vector512.Load(p2 + o); var s2 = ComplexLanes.TimesI(a2);
                var a3 = Vector512.Load(p3 + o); var s3 = ComplexLanes.TimesI(a3);
                var b0 = Vector512.Load(p0 + q); var t0 = ComplexLanes.TimesI(b0);
                var b1 = Vector512.Load(p1 + q); var t1 = ComplexLanes.TimesI(b1);
                var b2 = Vector512.Load(p2 + q); var t2 = ComplexLanes.TimesI(b2);
                var b3 = Vector512.Load(p3 + q); var t3 = ComplexLanes.TimesI(b3);
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
                var a0 = Vector512.Load(p0 + o); var s0 = ComplexLanes.TimesI(a0);
                var a1 = Vector512.Load(p1 + o); var s1 = ComplexLanes.TimesI(a1);
                var a2 = Vector512.Load(p2 + o); var s2 = ComplexLanes.TimesI(a2);
                var a3 = Vector512.Load(p3 + o); var s3 = ComplexLanes.TimesI(a3);
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
                var a0 = Vector256.Load(p0 + o); var s0 = ComplexLanes.TimesI(a0);
                var a1 = Vector256.Load(p1 + o); var s1 = ComplexLanes.TimesI(a1);
                var a2 = Vector256.Load(p2 + o); var s2 = ComplexLanes.TimesI(a2);
                var a3 = Vector256.Load(p3 + o); var s3 = ComplexLanes.TimesI(a3);
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
    internal static Vector512<T> Row512(Coefficient<T>* m, Vector512<T> a0, Vector512<T> s0, Vector512<T> a1, Vector512<T> s1, Vector512<T> a2, Vector512<T> s2, Vector512<T> a3, Vector512<T> s3)
    {
        var acc = ComplexFma.First(Vector512.Create(m[0].R), Vector512.Create(m[0].I), a0, s0);
        acc = ComplexFma.Next(acc, Vector512.Create(m[1].R), Vector512.Create(m[1].I), a1, s1);
        acc = ComplexFma.Next(acc, Vector512.Create(m[2].R), Vector512.Create(m[2].I), a2, s2);
        return ComplexFma.Next(acc, Vector512.Create(m[3].R), Vector512.Create(m[3].I), a3, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Row256(Coefficient<T>* m, Vector256<T> a0, Vector256<T> s0, Vector256<T> a1, Vector256<T> s1, Vector256<T> a2, Vector256<T> s2, Vector256<T> a3, Vector256<T> s3)
    {
        var acc = ComplexFma.First(Vector256.Create(m[0].R), Vector256.Create(m[0].I), a0, s0);
        acc = ComplexFma.Next(acc, Vector256.Create(m[1].R), Vector256.Create(m[1].I), a1, s1);
        acc = ComplexFma.Next(acc, Vector256.Create(m[2].R), Vector256.Create(m[2].I), a2, s2);
        return ComplexFma.Next(acc, Vector256.Create(m[3].R), Vector256.Create(m[3].I), a3, s3);
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
        if (dim == 8 && Width == 512)
        {
            j = Run8x512(p, length);
        }
        else if (dim == 8 && Width == 256)
        {
            j = Run8x256(p, length);
        }
        else if (Width == 512)
        {
            long step = Vector512<T>.Count / 2;
            var a = stackalloc Vector512<T>[1 << MaxTargets];
            var s = stackalloc Vector512<T>[1 << MaxTargets];
            for (; j + step <= length; j += step)
            {
                for (int c = 0; c < dim; c++)
                {
                    a[c] = Vector512.Load(p + (2 * (Offsets[c] + j)));
                    s[c] = ComplexLanes.TimesI(a[c]);
                }

                for (int r = 0; r < dim; r += 2)
                {
                    var (acc, acc1) = TwoRows512(M + (r * dim), dim, a, s);
                    acc.Store(p + (2 * (Offsets[r] + j)));
                    acc1.Store(p + (2 * (Offsets[r + 1] + j)));
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
                    s[c] = ComplexLanes.TimesI(a[c]);
                }

                // Two rows at a time: each input loaded from the stack feeds four FMAs, not two.
                for (int r = 0; r < dim; r += 2)
                {
                    Coefficient<T>* row = M + (r * dim);
                    Coefficient<T>* next = row + dim;
                    var acc = ComplexFma.First(Vector256.Create(row[0].R), Vector256.Create(row[0].I), a[0], s[0]);
                    var acc1 = ComplexFma.First(Vector256.Create(next[0].R), Vector256.Create(next[0].I), a[0], s[0]);
                    for (int c = 1; c < dim; c++)
                    {
                        acc = ComplexFma.Next(acc, Vector256.Create(row[c].R), Vector256.Create(row[c].I), a[c], s[c]);
                        acc1 = ComplexFma.Next(acc1, Vector256.Create(next[c].R), Vector256.Create(next[c].I), a[c], s[c]);
                    }

                    acc.Store(p + (2 * (Offsets[r] + j)));
                    acc1.Store(p + (2 * (Offsets[r + 1] + j)));
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

    /// <summary>
    /// Rows r and r + 1 of a dim×dim block (<paramref name="row"/> points at row r) over inputs and their products by i
    /// held on the stack: two rows at a time, so each input loaded from the stack feeds four FMAs, not two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<T> Row, Vector512<T> Next) TwoRows512(Coefficient<T>* row, int dim, Vector512<T>* a, Vector512<T>* s)
    {
        Coefficient<T>* next = row + dim;
        var acc = ComplexFma.First(Vector512.Create(row[0].R), Vector512.Create(row[0].I), a[0], s[0]);
        var acc1 = ComplexFma.First(Vector512.Create(next[0].R), Vector512.Create(next[0].I), a[0], s[0]);
        for (int c = 1; c < dim; c++)
        {
            acc = ComplexFma.Next(acc, Vector512.Create(row[c].R), Vector512.Create(row[c].I), a[c], s[c]);
            acc1 = ComplexFma.Next(acc1, Vector512.Create(next[c].R), Vector512.Create(next[c].I), a[c], s[c]);
        }

        return (acc, acc1);
    }

    /// <summary>
    /// The 8×8 (three-qubit fusion blocks) with its eight inputs and their swaps in registers and straight-line rows:
    /// the general loop spills them to the stack and is 2–3× slower. Same FMA order as the loop and the scalar twin.
    /// </summary>
    private readonly long Run8x512(T* p, long length)
    {
        long step = Vector512<T>.Count / 2;
        T* x0 = p + (2 * Offsets[0]);
        T* x1 = p + (2 * Offsets[1]);
        T* x2 = p + (2 * Offsets[2]);
        T* x3 = p + (2 * Offsets[3]);
        T* x4 = p + (2 * Offsets[4]);
        T* x5 = p + (2 * Offsets[5]);
        T* x6 = p + (2 * Offsets[6]);
        T* x7 = p + (2 * Offsets[7]);
        Coefficient<T>* m = M;
        long j = 0;
        for (; j + step <= length; j += step)
        {
            long o = 2 * j;
            var a0 = Vector512.Load(x0 + o); var s0 = ComplexLanes.TimesI(a0);
            var a1 = Vector512.Load(x1 + o); var s1 = ComplexLanes.TimesI(a1);
            var a2 = Vector512.Load(x2 + o); var s2 = ComplexLanes.TimesI(a2);
            var a3 = Vector512.Load(x3 + o); var s3 = ComplexLanes.TimesI(a3);
            var a4 = Vector512.Load(x4 + o); var s4 = ComplexLanes.TimesI(a4);
            var a5 = Vector512.Load(x5 + o); var s5 = ComplexLanes.TimesI(a5);
            var a6 = Vector512.Load(x6 + o); var s6 = ComplexLanes.TimesI(a6);
            var a7 = Vector512.Load(x7 + o); var s7 = ComplexLanes.TimesI(a7);
            Row8x512(m, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x0 + o);
            Row8x512(m + 8, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x1 + o);
            Row8x512(m + 16, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x2 + o);
            Row8x512(m + 24, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x3 + o);
            Row8x512(m + 32, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x4 + o);
            Row8x512(m + 40, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x5 + o);
            Row8x512(m + 48, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x6 + o);
            Row8x512(m + 56, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x7 + o);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> Row8x512(Coefficient<T>* m, Vector512<T> a0, Vector512<T> s0, Vector512<T> a1, Vector512<T> s1, Vector512<T> a2, Vector512<T> s2, Vector512<T> a3, Vector512<T> s3, Vector512<T> a4, Vector512<T> s4, Vector512<T> a5, Vector512<T> s5, Vector512<T> a6, Vector512<T> s6, Vector512<T> a7, Vector512<T> s7)
    {
        var acc = ComplexFma.First(Vector512.Create(m[0].R), Vector512.Create(m[0].I), a0, s0);
        acc = ComplexFma.Next(acc, Vector512.Create(m[1].R), Vector512.Create(m[1].I), a1, s1);
        acc = ComplexFma.Next(acc, Vector512.Create(m[2].R), Vector512.Create(m[2].I), a2, s2);
        acc = ComplexFma.Next(acc, Vector512.Create(m[3].R), Vector512.Create(m[3].I), a3, s3);
        acc = ComplexFma.Next(acc, Vector512.Create(m[4].R), Vector512.Create(m[4].I), a4, s4);
        acc = ComplexFma.Next(acc, Vector512.Create(m[5].R), Vector512.Create(m[5].I), a5, s5);
        acc = ComplexFma.Next(acc, Vector512.Create(m[6].R), Vector512.Create(m[6].I), a6, s6);
        return ComplexFma.Next(acc, Vector512.Create(m[7].R), Vector512.Create(m[7].I), a7, s7);
    }

    /// <summary>The 256-bit twin of <see cref="Run8x512"/>.</summary>
    private readonly long Run8x256(T* p, long length)
    {
        long step = Vector256<T>.Count / 2;
        T* x0 = p + (2 * Offsets[0]);
        T* x1 = p + (2 * Offsets[1]);
        T* x2 = p + (2 * Offsets[2]);
        T* x3 = p + (2 * Offsets[3]);
        T* x4 = p + (2 * Offsets[4]);
        T* x5 = p + (2 * Offsets[5]);
        T* x6 = p + (2 * Offsets[6]);
        T* x7 = p + (2 * Offsets[7]);
        Coefficient<T>* m = M;
        long j = 0;
        for (; j + step <= length; j += step)
        {
            long o = 2 * j;
            var a0 = Vector256.Load(x0 + o); var s0 = ComplexLanes.TimesI(a0);
            var a1 = Vector256.Load(x1 + o); var s1 = ComplexLanes.TimesI(a1);
            var a2 = Vector256.Load(x2 + o); var s2 = ComplexLanes.TimesI(a2);
            var a3 = Vector256.Load(x3 + o); var s3 = ComplexLanes.TimesI(a3);
            var a4 = Vector256.Load(x4 + o); var s4 = ComplexLanes.TimesI(a4);
            var a5 = Vector256.Load(x5 + o); var s5 = ComplexLanes.TimesI(a5);
            var a6 = Vector256.Load(x6 + o); var s6 = ComplexLanes.TimesI(a6);
            var a7 = Vector256.Load(x7 + o); var s7 = ComplexLanes.TimesI(a7);
            Row8x256(m, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x0 + o);
            Row8x256(m + 8, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x1 + o);
            Row8x256(m + 16, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x2 + o);
            Row8x256(m + 24, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x3 + o);
            Row8x256(m + 32, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x4 + o);
            Row8x256(m + 40, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x5 + o);
            Row8x256(m + 48, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x6 + o);
            Row8x256(m + 56, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7).Store(x7 + o);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Row8x256(Coefficient<T>* m, Vector256<T> a0, Vector256<T> s0, Vector256<T> a1, Vector256<T> s1, Vector256<T> a2, Vector256<T> s2, Vector256<T> a3, Vector256<T> s3, Vector256<T> a4, Vector256<T> s4, Vector256<T> a5, Vector256<T> s5, Vector256<T> a6, Vector256<T> s6, Vector256<T> a7, Vector256<T> s7)
    {
        var acc = ComplexFma.First(Vector256.Create(m[0].R), Vector256.Create(m[0].I), a0, s0);
        acc = ComplexFma.Next(acc, Vector256.Create(m[1].R), Vector256.Create(m[1].I), a1, s1);
        acc = ComplexFma.Next(acc, Vector256.Create(m[2].R), Vector256.Create(m[2].I), a2, s2);
        acc = ComplexFma.Next(acc, Vector256.Create(m[3].R), Vector256.Create(m[3].I), a3, s3);
        acc = ComplexFma.Next(acc, Vector256.Create(m[4].R), Vector256.Create(m[4].I), a4, s4);
        acc = ComplexFma.Next(acc, Vector256.Create(m[5].R), Vector256.Create(m[5].I), a5, s5);
        acc = ComplexFma.Next(acc, Vector256.Create(m[6].R), Vector256.Create(m[6].I), a6, s6);
        return ComplexFma.Next(acc, Vector256.Create(m[7].R), Vector256.Create(m[7].I), a7, s7);
    }
}

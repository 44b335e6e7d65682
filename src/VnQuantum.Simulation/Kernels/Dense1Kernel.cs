using System.Numerics;
using System.Runtime.Intrinsics;

namespace VnQuantum.Simulation.Kernels;

/// <summary>A general 2×2 unitary on one target: (a0, a1) ← M·(a0, a1) for every pair 2^t apart.</summary>
internal unsafe struct Dense1Kernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public T* Data;
    public long Offset;
    public int Width;
    public Coefficient<T> M00, M01, M10, M11;

    public void Run(long baseIndex, long length)
    {
        T* p0 = Data + (2 * baseIndex);
        T* p1 = p0 + (2 * Offset);
        long j = 0;
        if (Width == 512)
        {
            // Coefficients in locals: the JIT cannot keep struct fields in registers across stores through T*.
            long step = Vector512<T>.Count / 2;
            Vector512<T> m00r = M00.Re, m00i = M00.ImAlt, m01r = M01.Re, m01i = M01.ImAlt;
            Vector512<T> m10r = M10.Re, m10i = M10.ImAlt, m11r = M11.Re, m11i = M11.ImAlt;
            for (; j + step <= length; j += step)
            {
                var a0 = Vector512.Load(p0 + (2 * j));
                var a1 = Vector512.Load(p1 + (2 * j));
                var s0 = ComplexLanes.Swap(a0);
                var s1 = ComplexLanes.Swap(a1);
                ComplexFma.Next(ComplexFma.First(m00r, m00i, a0, s0), m01r, m01i, a1, s1).Store(p0 + (2 * j));
                ComplexFma.Next(ComplexFma.First(m10r, m10i, a0, s0), m11r, m11i, a1, s1).Store(p1 + (2 * j));
            }
        }
        else if (Width == 256)
        {
            long step = Vector256<T>.Count / 2;
            var m00r = M00.Re.GetLower(); var m00i = M00.ImAlt.GetLower();
            var m01r = M01.Re.GetLower(); var m01i = M01.ImAlt.GetLower();
            var m10r = M10.Re.GetLower(); var m10i = M10.ImAlt.GetLower();
            var m11r = M11.Re.GetLower(); var m11i = M11.ImAlt.GetLower();
            for (; j + step <= length; j += step)
            {
                var a0 = Vector256.Load(p0 + (2 * j));
                var a1 = Vector256.Load(p1 + (2 * j));
                var s0 = ComplexLanes.Swap(a0);
                var s1 = ComplexLanes.Swap(a1);
                ComplexFma.Next(ComplexFma.First(m00r, m00i, a0, s0), m01r, m01i, a1, s1).Store(p0 + (2 * j));
                ComplexFma.Next(ComplexFma.First(m10r, m10i, a0, s0), m11r, m11i, a1, s1).Store(p1 + (2 * j));
            }
        }

        for (; j < length; j++)
        {
            T* x0 = p0 + (2 * j);
            T* x1 = p1 + (2 * j);
            T ar0 = x0[0], ai0 = x0[1], ar1 = x1[0], ai1 = x1[1];
            var r0 = ComplexFma.Next(ComplexFma.First(M00.R, M00.I, ar0, ai0), M01.R, M01.I, ar1, ai1);
            var r1 = ComplexFma.Next(ComplexFma.First(M10.R, M10.I, ar0, ai0), M11.R, M11.I, ar1, ai1);
            (x0[0], x0[1]) = r0;
            (x1[0], x1[1]) = r1;
        }
    }
}

/// <summary>A diagonal 2×2 on one target: a0 ← d0·a0, a1 ← d1·a1. Also the collapse of a measurement.</summary>
internal unsafe struct Diagonal1Kernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public T* Data;
    public long Offset;
    public int Width;
    public Coefficient<T> D0, D1;

    public void Run(long baseIndex, long length)
    {
        T* p0 = Data + (2 * baseIndex);
        ScaleKernel<T>.ScaleRun(p0, length, Width, D0);
        ScaleKernel<T>.ScaleRun(p0 + (2 * Offset), length, Width, D1);
    }
}

/// <summary>Multiplies every amplitude of the run by one complex factor: phase gates on the subspace where their bit is 1.</summary>
internal unsafe struct ScaleKernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public T* Data;
    public int Width;
    public Coefficient<T> Factor;

    public void Run(long baseIndex, long length) => ScaleRun(Data + (2 * baseIndex), length, Width, Factor);

    public static void ScaleRun(T* p, long length, int width, in Coefficient<T> c)
    {
        long j = 0;
        if (width == 512)
        {
            long step = Vector512<T>.Count / 2;
            Vector512<T> re = c.Re, im = c.ImAlt;
            for (; j + step <= length; j += step)
            {
                var a = Vector512.Load(p + (2 * j));
                ComplexFma.First(re, im, a, ComplexLanes.Swap(a)).Store(p + (2 * j));
            }
        }
        else if (width == 256)
        {
            long step = Vector256<T>.Count / 2;
            var re = c.Re.GetLower();
            var im = c.ImAlt.GetLower();
            for (; j + step <= length; j += step)
            {
                var a = Vector256.Load(p + (2 * j));
                ComplexFma.First(re, im, a, ComplexLanes.Swap(a)).Store(p + (2 * j));
            }
        }

        for (; j < length; j++)
        {
            T* x = p + (2 * j);
            (x[0], x[1]) = ComplexFma.First(c.R, c.I, x[0], x[1]);
        }
    }
}

/// <summary>Swaps two runs: X (offsets 0 and 2^t) or SWAP (offsets 2^a and 2^b), with any controls. No arithmetic.</summary>
internal unsafe struct SwapRunsKernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public T* Data;
    public long OffsetA;
    public long OffsetB;
    public int Width;

    public void Run(long baseIndex, long length)
    {
        T* pa = Data + (2 * (baseIndex + OffsetA));
        T* pb = Data + (2 * (baseIndex + OffsetB));
        long j = 0;
        if (Width == 512)
        {
            long step = Vector512<T>.Count / 2;
            for (; j + step <= length; j += step)
            {
                var a = Vector512.Load(pa + (2 * j));
                var b = Vector512.Load(pb + (2 * j));
                b.Store(pa + (2 * j));
                a.Store(pb + (2 * j));
            }
        }
        else if (Width == 256)
        {
            long step = Vector256<T>.Count / 2;
            for (; j + step <= length; j += step)
            {
                var a = Vector256.Load(pa + (2 * j));
                var b = Vector256.Load(pb + (2 * j));
                b.Store(pa + (2 * j));
                a.Store(pb + (2 * j));
            }
        }

        for (; j < length; j++)
        {
            T* x = pa + (2 * j);
            T* y = pb + (2 * j);
            (x[0], y[0]) = (y[0], x[0]);
            (x[1], y[1]) = (y[1], x[1]);
        }
    }
}

/// <summary>
/// A phase on the lanes of each vector whose low bits (below the vector width) hold a given mask: the part of a
/// controlled phase whose high qubits select the runs (the group loop visits only those) and whose low qubits live
/// inside the vector. Lanes outside the mask get the coefficient 1, which leaves them exactly as they were.
/// </summary>
internal unsafe struct LaneScaleKernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public T* Data;
    public int Width;
    public int LowMask;
    public Vector512<T> Re;
    public Vector512<T> ImAlt;
    public Coefficient<T> Factor;

    public void Run(long baseIndex, long length)
    {
        T* p = Data + (2 * baseIndex);
        long j = 0;
        if (Width == 512)
        {
            // Coefficients in locals: the JIT cannot keep struct fields in registers across stores through T*.
            long step = Vector512<T>.Count / 2;
            Vector512<T> re = Re, im = ImAlt;
            for (; j + step <= length; j += step)
            {
                var a = Vector512.Load(p + (2 * j));
                ComplexFma.First(re, im, a, ComplexLanes.Swap(a)).Store(p + (2 * j));
            }
        }
        else if (Width == 256)
        {
            long step = Vector256<T>.Count / 2;
            var re = Re.GetLower();
            var im = ImAlt.GetLower();
            for (; j + step <= length; j += step)
            {
                var a = Vector256.Load(p + (2 * j));
                ComplexFma.First(re, im, a, ComplexLanes.Swap(a)).Store(p + (2 * j));
            }
        }

        for (; j < length; j++)
        {
            if (((baseIndex + j) & LowMask) == LowMask)
            {
                T* x = p + (2 * j);
                (x[0], x[1]) = ComplexFma.First(Factor.R, Factor.I, x[0], x[1]);
            }
        }
    }
}

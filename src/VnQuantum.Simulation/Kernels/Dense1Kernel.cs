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
            long step = Vector512<T>.Count / 2;
            for (; j + step <= length; j += step)
            {
                var a0 = Vector512.Load(p0 + (2 * j));
                var a1 = Vector512.Load(p1 + (2 * j));
                var s0 = ComplexLanes.Swap(a0);
                var s1 = ComplexLanes.Swap(a1);
                var r0 = ((M00.Re * a0) + (M00.ImAlt * s0)) + ((M01.Re * a1) + (M01.ImAlt * s1));
                var r1 = ((M10.Re * a0) + (M10.ImAlt * s0)) + ((M11.Re * a1) + (M11.ImAlt * s1));
                r0.Store(p0 + (2 * j));
                r1.Store(p1 + (2 * j));
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
                var r0 = ((m00r * a0) + (m00i * s0)) + ((m01r * a1) + (m01i * s1));
                var r1 = ((m10r * a0) + (m10i * s0)) + ((m11r * a1) + (m11i * s1));
                r0.Store(p0 + (2 * j));
                r1.Store(p1 + (2 * j));
            }
        }

        for (; j < length; j++)
        {
            T* x0 = p0 + (2 * j);
            T* x1 = p1 + (2 * j);
            T ar0 = x0[0], ai0 = x0[1], ar1 = x1[0], ai1 = x1[1];
            x0[0] = ((M00.R * ar0) - (M00.I * ai0)) + ((M01.R * ar1) - (M01.I * ai1));
            x0[1] = ((M00.R * ai0) + (M00.I * ar0)) + ((M01.R * ai1) + (M01.I * ar1));
            x1[0] = ((M10.R * ar0) - (M10.I * ai0)) + ((M11.R * ar1) - (M11.I * ai1));
            x1[1] = ((M10.R * ai0) + (M10.I * ar0)) + ((M11.R * ai1) + (M11.I * ar1));
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
            for (; j + step <= length; j += step)
            {
                var a = Vector512.Load(p + (2 * j));
                ((c.Re * a) + (c.ImAlt * ComplexLanes.Swap(a))).Store(p + (2 * j));
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
                ((re * a) + (im * ComplexLanes.Swap(a))).Store(p + (2 * j));
            }
        }

        for (; j < length; j++)
        {
            T* x = p + (2 * j);
            T ar = x[0], ai = x[1];
            x[0] = (c.R * ar) - (c.I * ai);
            x[1] = (c.R * ai) + (c.I * ar);
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

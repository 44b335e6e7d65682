using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// A dense 2^k×2^k (a fusion block of k = 2…5 qubits) with targets below the vector width, on 512-bit vectors, in
/// either precision. Each low target t is given a free "partner" qubit p at or above the width; the 2^k vectors of a
/// group are loaded with p in t's place, and one two-source permute per vector pair exchanges lane bit t with the
/// vector bit p. After it the vectors differ in t, as for a gate on high qubits, and the rows run with broadcast
/// scalar coefficients as in <see cref="DenseKernel{T}"/>; the same permute (an involution) puts the results back.
/// </summary>
/// <remarks>
/// The per-lane coefficient kernel (<see cref="LaneKernel{T}"/>) loads a 64-byte coefficient vector per term and
/// permutes every input once per pattern: an 8×8 with one target on qubits 0–2 in single precision took 5–10× the
/// memory floor. Here the extra work is 2^k permutes in and out, independent of the pattern count.
/// The matrix is reordered so that the low targets are its lowest index bits; the terms of a row are summed in that
/// order: equal to the scalar twin to rounding, not bit for bit.
/// </remarks>
internal unsafe struct LaneSwapDenseKernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int MaxTargets = 5;

    /// <summary>Low targets a block may have: every lane bit of a vector (3 in single precision, 2 in double).</summary>
    public const int MaxSwaps = 3;

    public T* Data;
    public int Dimension;

    /// <summary>How many of the lowest matrix index bits are low targets, each exchanged with its partner.</summary>
    public int Swaps;

    /// <summary>Offsets (in amplitudes) of the 2^k vectors of a group: a low target's bit at its partner's place.</summary>
    public long* Offsets;

    /// <summary>Per swap s, the permute indices that give the vector with bit s clear and the one with it set.</summary>
    public Vector512<T>* Indices;

    /// <summary>Row-major coefficients in the reordered slot order.</summary>
    public Coefficient<T>* M;

    public static bool Supported => Avx512F.IsSupported;

    /// <summary>The lane bits of a 512-bit vector of complex T: 3 in single precision, 2 in double.</summary>
    public static int LaneBits => typeof(T) == typeof(float) ? 3 : 2;

    /// <summary>
    /// Fills <paramref name="pair"/> with the two permute index vectors that exchange complex-lane bit
    /// <paramref name="laneBit"/> with the bit that tells two vectors apart (first: that bit clear, second: set).
    /// </summary>
    public static void FillIndices(int laneBit, Vector512<T>* pair)
    {
        int elements = Vector512<T>.Count;
        int flip = 2 << laneBit;
        if (typeof(T) == typeof(float))
        {
            var low = stackalloc int[16];
            var high = stackalloc int[16];
            for (int e = 0; e < elements; e++)
            {
                bool set = (e & flip) != 0;
                low[e] = set ? elements + (e ^ flip) : e;
                high[e] = set ? elements + e : e ^ flip;
            }

            pair[0] = Vector512.Load(low).As<int, T>();
            pair[1] = Vector512.Load(high).As<int, T>();
        }
        else
        {
            var low = stackalloc long[8];
            var high = stackalloc long[8];
            for (int e = 0; e < elements; e++)
            {
                bool set = (e & flip) != 0;
                low[e] = set ? elements + (e ^ flip) : e;
                high[e] = set ? elements + e : e ^ flip;
            }

            pair[0] = Vector512.Load(low).As<long, T>();
            pair[1] = Vector512.Load(high).As<long, T>();
        }
    }

    public void Run(long baseIndex, long length)
    {
        T* p = Data + (2 * baseIndex);
        int dim = Dimension;
        if (dim == 8)
        {
            Run8(p, length);
            return;
        }

        long step = Vector512<T>.Count / 2;
        var a = stackalloc Vector512<T>[1 << MaxTargets];
        var s = stackalloc Vector512<T>[1 << MaxTargets];
        var o = stackalloc Vector512<T>[1 << MaxTargets];
        for (long j = 0; j < length; j += step)
        {
            for (int c = 0; c < dim; c++)
            {
                a[c] = Vector512.Load(p + (2 * (Offsets[c] + j)));
            }

            Exchange(a);
            for (int c = 0; c < dim; c++)
            {
                s[c] = ComplexLanes.TimesI(a[c]);
            }

            for (int r = 0; r < dim; r += 2)
            {
                (o[r], o[r + 1]) = DenseKernel<T>.TwoRows512(M + (r * dim), dim, a, s);
            }

            Exchange(o);
            for (int r = 0; r < dim; r++)
            {
                o[r].Store(p + (2 * (Offsets[r] + j)));
            }
        }
    }

    /// <summary>
    /// The 8×8 with its inputs and their products by i in registers; one method per exchange count, each small
    /// enough for the JIT to inline all its rows. The results are put back as soon as a whole exchange group is
    /// computed (2, 4 or 8 rows), so that fewer of them wait in registers beside the 16 inputs.
    /// </summary>
    private readonly void Run8(T* p, long length)
    {
        switch (Swaps)
        {
            case 1:
                Run8One(p, length);
                break;
            case 2:
                Run8Two(p, length);
                break;
            default:
                Run8Three(p, length);
                break;
        }
    }

    private readonly void Run8One(T* p, long length)
    {
        long step = Vector512<T>.Count / 2;
        long* offsets = Offsets;
        Coefficient<T>* m = M;
        var l0 = Indices[0];
        var h0 = Indices[1];
        var l1 = Indices[0];
        var h1 = Indices[1];
        var l2 = Indices[0];
        var h2 = Indices[1];
        for (long j = 0; j < length; j += step)
        {
            var a0 = Vector512.Load(p + (2 * (offsets[0] + j)));
            var a1 = Vector512.Load(p + (2 * (offsets[1] + j)));
            var a2 = Vector512.Load(p + (2 * (offsets[2] + j)));
            var a3 = Vector512.Load(p + (2 * (offsets[3] + j)));
            var a4 = Vector512.Load(p + (2 * (offsets[4] + j)));
            var a5 = Vector512.Load(p + (2 * (offsets[5] + j)));
            var a6 = Vector512.Load(p + (2 * (offsets[6] + j)));
            var a7 = Vector512.Load(p + (2 * (offsets[7] + j)));
            Exchange8(1, l0, h0, l1, h1, l2, h2, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            var s0 = ComplexLanes.TimesI(a0);
            var s1 = ComplexLanes.TimesI(a1);
            var s2 = ComplexLanes.TimesI(a2);
            var s3 = ComplexLanes.TimesI(a3);
            var s4 = ComplexLanes.TimesI(a4);
            var s5 = ComplexLanes.TimesI(a5);
            var s6 = ComplexLanes.TimesI(a6);
            var s7 = ComplexLanes.TimesI(a7);
            for (int r = 0; r < 8; r += 2)
            {
                var y0 = DenseKernel<T>.Row8x512(m + (8 * r) + 0, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
                var y1 = DenseKernel<T>.Row8x512(m + (8 * r) + 8, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
                Pair(l0, h0, ref y0, ref y1);
                y0.Store(p + (2 * (offsets[r + 0] + j)));
                y1.Store(p + (2 * (offsets[r + 1] + j)));
            }
        }
    }

    private readonly void Run8Two(T* p, long length)
    {
        long step = Vector512<T>.Count / 2;
        long* offsets = Offsets;
        Coefficient<T>* m = M;
        var l0 = Indices[0];
        var h0 = Indices[1];
        var l1 = Indices[2];
        var h1 = Indices[3];
        var l2 = Indices[0];
        var h2 = Indices[1];
        for (long j = 0; j < length; j += step)
        {
            var a0 = Vector512.Load(p + (2 * (offsets[0] + j)));
            var a1 = Vector512.Load(p + (2 * (offsets[1] + j)));
            var a2 = Vector512.Load(p + (2 * (offsets[2] + j)));
            var a3 = Vector512.Load(p + (2 * (offsets[3] + j)));
            var a4 = Vector512.Load(p + (2 * (offsets[4] + j)));
            var a5 = Vector512.Load(p + (2 * (offsets[5] + j)));
            var a6 = Vector512.Load(p + (2 * (offsets[6] + j)));
            var a7 = Vector512.Load(p + (2 * (offsets[7] + j)));
            Exchange8(2, l0, h0, l1, h1, l2, h2, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            var s0 = ComplexLanes.TimesI(a0);
            var s1 = ComplexLanes.TimesI(a1);
            var s2 = ComplexLanes.TimesI(a2);
            var s3 = ComplexLanes.TimesI(a3);
            var s4 = ComplexLanes.TimesI(a4);
            var s5 = ComplexLanes.TimesI(a5);
            var s6 = ComplexLanes.TimesI(a6);
            var s7 = ComplexLanes.TimesI(a7);
            for (int r = 0; r < 8; r += 4)
            {
                var y0 = DenseKernel<T>.Row8x512(m + (8 * r) + 0, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
                var y1 = DenseKernel<T>.Row8x512(m + (8 * r) + 8, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
                var y2 = DenseKernel<T>.Row8x512(m + (8 * r) + 16, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
                var y3 = DenseKernel<T>.Row8x512(m + (8 * r) + 24, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
                Pair(l0, h0, ref y0, ref y1);
                Pair(l0, h0, ref y2, ref y3);
                Pair(l1, h1, ref y0, ref y2);
                Pair(l1, h1, ref y1, ref y3);
                y0.Store(p + (2 * (offsets[r + 0] + j)));
                y1.Store(p + (2 * (offsets[r + 1] + j)));
                y2.Store(p + (2 * (offsets[r + 2] + j)));
                y3.Store(p + (2 * (offsets[r + 3] + j)));
            }
        }
    }

    private readonly void Run8Three(T* p, long length)
    {
        long step = Vector512<T>.Count / 2;
        long* offsets = Offsets;
        Coefficient<T>* m = M;
        var l0 = Indices[0];
        var h0 = Indices[1];
        var l1 = Indices[2];
        var h1 = Indices[3];
        var l2 = Indices[4];
        var h2 = Indices[5];
        for (long j = 0; j < length; j += step)
        {
            var a0 = Vector512.Load(p + (2 * (offsets[0] + j)));
            var a1 = Vector512.Load(p + (2 * (offsets[1] + j)));
            var a2 = Vector512.Load(p + (2 * (offsets[2] + j)));
            var a3 = Vector512.Load(p + (2 * (offsets[3] + j)));
            var a4 = Vector512.Load(p + (2 * (offsets[4] + j)));
            var a5 = Vector512.Load(p + (2 * (offsets[5] + j)));
            var a6 = Vector512.Load(p + (2 * (offsets[6] + j)));
            var a7 = Vector512.Load(p + (2 * (offsets[7] + j)));
            Exchange8(3, l0, h0, l1, h1, l2, h2, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            var s0 = ComplexLanes.TimesI(a0);
            var s1 = ComplexLanes.TimesI(a1);
            var s2 = ComplexLanes.TimesI(a2);
            var s3 = ComplexLanes.TimesI(a3);
            var s4 = ComplexLanes.TimesI(a4);
            var s5 = ComplexLanes.TimesI(a5);
            var s6 = ComplexLanes.TimesI(a6);
            var s7 = ComplexLanes.TimesI(a7);
            var y0 = DenseKernel<T>.Row8x512(m, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            var y1 = DenseKernel<T>.Row8x512(m + 8, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            var y2 = DenseKernel<T>.Row8x512(m + 16, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            var y3 = DenseKernel<T>.Row8x512(m + 24, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            var y4 = DenseKernel<T>.Row8x512(m + 32, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            var y5 = DenseKernel<T>.Row8x512(m + 40, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            var y6 = DenseKernel<T>.Row8x512(m + 48, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            var y7 = DenseKernel<T>.Row8x512(m + 56, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);
            Exchange8(3, l0, h0, l1, h1, l2, h2, ref y0, ref y1, ref y2, ref y3, ref y4, ref y5, ref y6, ref y7);
            y0.Store(p + (2 * (offsets[0] + j)));
            y1.Store(p + (2 * (offsets[1] + j)));
            y2.Store(p + (2 * (offsets[2] + j)));
            y3.Store(p + (2 * (offsets[3] + j)));
            y4.Store(p + (2 * (offsets[4] + j)));
            y5.Store(p + (2 * (offsets[5] + j)));
            y6.Store(p + (2 * (offsets[6] + j)));
            y7.Store(p + (2 * (offsets[7] + j)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange8(int swaps, Vector512<T> l0, Vector512<T> h0, Vector512<T> l1, Vector512<T> h1, Vector512<T> l2, Vector512<T> h2, ref Vector512<T> v0, ref Vector512<T> v1, ref Vector512<T> v2, ref Vector512<T> v3, ref Vector512<T> v4, ref Vector512<T> v5, ref Vector512<T> v6, ref Vector512<T> v7)
    {
        Pair(l0, h0, ref v0, ref v1);
        Pair(l0, h0, ref v2, ref v3);
        Pair(l0, h0, ref v4, ref v5);
        Pair(l0, h0, ref v6, ref v7);
        if (swaps > 1)
        {
            Pair(l1, h1, ref v0, ref v2);
            Pair(l1, h1, ref v1, ref v3);
            Pair(l1, h1, ref v4, ref v6);
            Pair(l1, h1, ref v5, ref v7);
            if (swaps > 2)
            {
                Pair(l2, h2, ref v0, ref v4);
                Pair(l2, h2, ref v1, ref v5);
                Pair(l2, h2, ref v2, ref v6);
                Pair(l2, h2, ref v3, ref v7);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair(Vector512<T> low, Vector512<T> high, ref Vector512<T> x, ref Vector512<T> y)
    {
        var a = x;
        var b = y;
        x = Permute(a, low, b);
        y = Permute(a, high, b);
    }

    /// <summary>Exchanges, for every swap s, lane bit t_s with vector-index bit s on each pair of vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Exchange(Vector512<T>* v)
    {
        int dim = Dimension;
        for (int bit = 0; bit < Swaps; bit++)
        {
            var low = Indices[2 * bit];
            var high = Indices[(2 * bit) + 1];
            int stride = 1 << bit;
            for (int c = 0; c < dim; c++)
            {
                if ((c & stride) == 0)
                {
                    var x = v[c];
                    var y = v[c + stride];
                    v[c] = Permute(x, low, y);
                    v[c + stride] = Permute(x, high, y);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Permute(Vector512<T> x, Vector512<T> indices, Vector512<T> y) =>
        typeof(T) == typeof(float)
            ? Avx512F.PermuteVar16x32x2(x.As<T, float>(), indices.As<T, int>(), y.As<T, float>()).As<float, T>()
            : Avx512F.PermuteVar8x64x2(x.As<T, double>(), indices.As<T, long>(), y.As<T, double>()).As<double, T>();
}

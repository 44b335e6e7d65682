using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// Any gate (dense, phase, flip, swap; controls included) that involves a qubit below the vector width, i.e. whose
/// pairs of amplitudes sit inside one vector. Only the qubits at or above the width select vectors (2^h of them, as in
/// the pair kernels); the low target qubits are handled by permuting lanes, and the low controls by per-lane
/// coefficients that are the identity where a control bit is 0:
/// out_r = Σ_c Σ_d C[r,c,d] ⊙ P_d(v_c), with P_d the lane permutation j → j ⊕ d over the low target bits.
/// </summary>
internal unsafe struct LaneKernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int MaxVectors = 16;
    public const int MaxPatterns = 8;

    public T* Data;
    public int Width;
    public int VectorCount;
    public int PatternCount;

    /// <summary>Offsets (in amplitudes) of the 2^h vectors of a group.</summary>
    public long* Offsets;

    /// <summary>Per pattern d, the 32-bit element indices of P_d.</summary>
    public Vector512<int>* Permutations;

    /// <summary>[r][c][d] per-lane coefficients: Re and ImAlt, interleaved.</summary>
    public Vector512<T>* Coefficients;

    public void Run(long baseIndex, long length)
    {
        T* p = Data + (2 * baseIndex);
        int vectors = VectorCount, patterns = PatternCount;
        if (Width == 512 && TryRunSmall512(p, length))
        {
            return;
        }

        if (Width == 512)
        {
            long step = Vector512<T>.Count / 2;
            var permuted = stackalloc Vector512<T>[MaxVectors * MaxPatterns];
            var swapped = stackalloc Vector512<T>[MaxVectors * MaxPatterns];
            for (long j = 0; j < length; j += step)
            {
                for (int c = 0; c < vectors; c++)
                {
                    var v = Vector512.Load(p + (2 * (Offsets[c] + j)));
                    for (int d = 0; d < patterns; d++)
                    {
                        var w = d == 0 ? v : Permute(v, Permutations[d]);
                        permuted[(c * patterns) + d] = w;
                        swapped[(c * patterns) + d] = ComplexLanes.Swap(w);
                    }
                }

                int terms = vectors * patterns;
                for (int r = 0; r < vectors; r++)
                {
                    Vector512<T>* coefficient = Coefficients + (2 * r * terms);
                    var acc = ComplexFma.First(coefficient[0], coefficient[1], permuted[0], swapped[0]);
                    for (int t = 1; t < terms; t++)
                    {
                        acc = ComplexFma.Next(acc, coefficient[2 * t], coefficient[(2 * t) + 1], permuted[t], swapped[t]);
                    }

                    acc.Store(p + (2 * (Offsets[r] + j)));
                }
            }
        }
        else
        {
            long step = Vector256<T>.Count / 2;
            var permuted = stackalloc Vector256<T>[MaxVectors * MaxPatterns];
            var swapped = stackalloc Vector256<T>[MaxVectors * MaxPatterns];
            for (long j = 0; j < length; j += step)
            {
                for (int c = 0; c < vectors; c++)
                {
                    var v = Vector256.Load(p + (2 * (Offsets[c] + j)));
                    for (int d = 0; d < patterns; d++)
                    {
                        var w = d == 0 ? v : Permute(v, Permutations[d].GetLower());
                        permuted[(c * patterns) + d] = w;
                        swapped[(c * patterns) + d] = ComplexLanes.Swap(w);
                    }
                }

                int terms = vectors * patterns;
                for (int r = 0; r < vectors; r++)
                {
                    Vector512<T>* coefficient = Coefficients + (2 * r * terms);
                    var acc = ComplexFma.First(coefficient[0].GetLower(), coefficient[1].GetLower(), permuted[0], swapped[0]);
                    for (int t = 1; t < terms; t++)
                    {
                        acc = ComplexFma.Next(acc, coefficient[2 * t].GetLower(), coefficient[(2 * t) + 1].GetLower(), permuted[t], swapped[t]);
                    }

                    acc.Store(p + (2 * (Offsets[r] + j)));
                }
            }
        }
    }

    /// <summary>
    /// Straight-line versions of the common shapes with their coefficients in registers: one target below the vector
    /// width (1 vector, 2 patterns), one above with low controls (2, 1), and two-qubit gates with one or two low
    /// targets (2, 2) and (1, 4). The sums run in the same order as the general loop.
    /// </summary>
    private readonly bool TryRunSmall512(T* p, long length)
    {
        long step = Vector512<T>.Count / 2;
        Vector512<T>* k = Coefficients;
        Vector512<int> p1 = Permutations[1 % PatternCount];
        switch ((VectorCount, PatternCount))
        {
            case (1, 2):
                {
                    Vector512<T> c0 = k[0], c1 = k[1], c2 = k[2], c3 = k[3];
                    for (long j = 0; j < length; j += step)
                    {
                        T* x = p + (2 * j);
                        var v = Vector512.Load(x);
                        var w = Permute(v, p1);
                        ComplexFma.Next(ComplexFma.First(c0, c1, v, ComplexLanes.Swap(v)), c2, c3, w, ComplexLanes.Swap(w)).Store(x);
                    }

                    return true;
                }

            case (2, 1):
                {
                    Vector512<T> c0 = k[0], c1 = k[1], c2 = k[2], c3 = k[3], c4 = k[4], c5 = k[5], c6 = k[6], c7 = k[7];
                    T* x0 = p + (2 * Offsets[0]);
                    T* x1 = p + (2 * Offsets[1]);
                    for (long j = 0; j < length; j += step)
                    {
                        var a = Vector512.Load(x0 + (2 * j));
                        var b = Vector512.Load(x1 + (2 * j));
                        var sa = ComplexLanes.Swap(a);
                        var sb = ComplexLanes.Swap(b);
                        ComplexFma.Next(ComplexFma.First(c0, c1, a, sa), c2, c3, b, sb).Store(x0 + (2 * j));
                        ComplexFma.Next(ComplexFma.First(c4, c5, a, sa), c6, c7, b, sb).Store(x1 + (2 * j));
                    }

                    return true;
                }

            case (2, 2):
                {
                    T* x0 = p + (2 * Offsets[0]);
                    T* x1 = p + (2 * Offsets[1]);
                    for (long j = 0; j < length; j += step)
                    {
                        var a = Vector512.Load(x0 + (2 * j));
                        var b = Vector512.Load(x1 + (2 * j));
                        var pa = Permute(a, p1);
                        var pb = Permute(b, p1);
                        var sa = ComplexLanes.Swap(a);
                        var spa = ComplexLanes.Swap(pa);
                        var sb = ComplexLanes.Swap(b);
                        var spb = ComplexLanes.Swap(pb);
                        ComplexFma.Next(ComplexFma.Next(ComplexFma.Next(ComplexFma.First(k[0], k[1], a, sa), k[2], k[3], pa, spa), k[4], k[5], b, sb), k[6], k[7], pb, spb).Store(x0 + (2 * j));
                        ComplexFma.Next(ComplexFma.Next(ComplexFma.Next(ComplexFma.First(k[8], k[9], a, sa), k[10], k[11], pa, spa), k[12], k[13], b, sb), k[14], k[15], pb, spb).Store(x1 + (2 * j));
                    }

                    return true;
                }

            case (1, 4):
                {
                    Vector512<int> p2 = Permutations[2], p3 = Permutations[3];
                    for (long j = 0; j < length; j += step)
                    {
                        T* x = p + (2 * j);
                        var v = Vector512.Load(x);
                        var w1 = Permute(v, p1);
                        var w2 = Permute(v, p2);
                        var w3 = Permute(v, p3);
                        var acc = ComplexFma.Next(ComplexFma.First(k[0], k[1], v, ComplexLanes.Swap(v)), k[2], k[3], w1, ComplexLanes.Swap(w1));
                        ComplexFma.Next(ComplexFma.Next(acc, k[4], k[5], w2, ComplexLanes.Swap(w2)), k[6], k[7], w3, ComplexLanes.Swap(w3)).Store(x);
                    }

                    return true;
                }

            default:
                return false;
        }
    }

    /// <summary>True when this processor has the variable lane permutes the kernel needs for <paramref name="width"/>.</summary>
    public static bool Supported(int width) => width == 512 ? Avx512F.IsSupported : width == 256 && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Permute(Vector512<T> v, Vector512<int> indices) =>
        Avx512F.PermuteVar16x32(v.AsSingle(), indices).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Permute(Vector256<T> v, Vector256<int> indices) =>
        Avx2.PermuteVar8x32(v.AsSingle(), indices).As<float, T>();
}

/// <summary>Builds a <see cref="LaneKernel{T}"/>'s tables from a gate's full matrix on its targets.</summary>
internal static unsafe class LanePlan
{
    /// <summary>log2 of the complex amplitudes one vector holds.</summary>
    public static int LaneBits<T>(int width)
        where T : unmanaged => width == 0 ? 0 : BitOperations.Log2((uint)(width / 8 / Unsafe.SizeOf<T>() / 2));

    /// <summary>Bytes of scratch the tables need for h high targets and l low ones.</summary>
    public static int CoefficientCount(int high, int low) => (1 << high) * (1 << high) * (1 << low) * 2;

    /// <summary>
    /// Fills the kernel's tables. <paramref name="matrix"/> is row-major on <paramref name="targets"/> (index bit i =
    /// targets[i]); <paramref name="lowControlMask"/> holds the control qubits below the vector width.
    /// </summary>
    public static void Fill<T>(
        ref LaneKernel<T> kernel,
        ReadOnlySpan<int> targets,
        ReadOnlySpan<Complex> matrix,
        int laneBits,
        int lowControlMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int k = targets.Length;
        int dim = 1 << k;
        Span<int> high = stackalloc int[k];
        Span<int> low = stackalloc int[k];
        int h = 0, l = 0;
        for (int i = 0; i < k; i++)
        {
            if (targets[i] >= laneBits)
            {
                high[h++] = i;
            }
            else
            {
                low[l++] = i;
            }
        }

        kernel.VectorCount = 1 << h;
        kernel.PatternCount = 1 << l;
        for (int c = 0; c < kernel.VectorCount; c++)
        {
            long offset = 0;
            for (int b = 0; b < h; b++)
            {
                if (((c >> b) & 1) == 1)
                {
                    offset |= 1L << targets[high[b]];
                }
            }

            kernel.Offsets[c] = offset;
        }

        int lanes = 1 << laneBits;
        int elementsPerAmplitude = 2 * Unsafe.SizeOf<T>() / 4;
        Span<int> indices = stackalloc int[16];
        for (int d = 0; d < kernel.PatternCount; d++)
        {
            int laneMask = LowBitsToLanes(d, targets, low[..l]);
            indices.Clear();
            for (int lane = 0; lane < lanes; lane++)
            {
                for (int e = 0; e < elementsPerAmplitude; e++)
                {
                    indices[(lane * elementsPerAmplitude) + e] = ((lane ^ laneMask) * elementsPerAmplitude) + e;
                }
            }

            kernel.Permutations[d] = Vector512.Create((ReadOnlySpan<int>)indices);
        }

        int terms = kernel.VectorCount * kernel.PatternCount;
        Span<T> re = stackalloc T[Vector512<T>.Count];
        Span<T> imAlt = stackalloc T[Vector512<T>.Count];
        for (int r = 0; r < kernel.VectorCount; r++)
        {
            for (int c = 0; c < kernel.VectorCount; c++)
            {
                for (int d = 0; d < kernel.PatternCount; d++)
                {
                    re.Clear();
                    imAlt.Clear();
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        Complex coefficient;
                        if ((lane & lowControlMask) != lowControlMask)
                        {
                            coefficient = r == c && d == 0 ? Complex.One : Complex.Zero;
                        }
                        else
                        {
                            int x = LanesToLowBits(lane, targets, low[..l]);
                            int y = x ^ d;
                            int row = Combine(r, x, high[..h], low[..l]);
                            int column = Combine(c, y, high[..h], low[..l]);
                            coefficient = matrix[(row * dim) + column];
                        }

                        re[2 * lane] = T.CreateTruncating(coefficient.Real);
                        re[(2 * lane) + 1] = T.CreateTruncating(coefficient.Real);
                        imAlt[2 * lane] = T.CreateTruncating(-coefficient.Imaginary);
                        imAlt[(2 * lane) + 1] = T.CreateTruncating(coefficient.Imaginary);
                    }

                    int t = (c * kernel.PatternCount) + d;
                    kernel.Coefficients[2 * ((r * terms) + t)] = Vector512.Create((ReadOnlySpan<T>)re);
                    kernel.Coefficients[(2 * ((r * terms) + t)) + 1] = Vector512.Create((ReadOnlySpan<T>)imAlt);
                }
            }
        }
    }

    private static int LowBitsToLanes(int bits, ReadOnlySpan<int> targets, ReadOnlySpan<int> low)
    {
        int mask = 0;
        for (int b = 0; b < low.Length; b++)
        {
            if (((bits >> b) & 1) == 1)
            {
                mask |= 1 << targets[low[b]];
            }
        }

        return mask;
    }

    private static int LanesToLowBits(int lane, ReadOnlySpan<int> targets, ReadOnlySpan<int> low)
    {
        int bits = 0;
        for (int b = 0; b < low.Length; b++)
        {
            bits |= ((lane >> targets[low[b]]) & 1) << b;
        }

        return bits;
    }

    /// <summary>The matrix index whose high-target bits are <paramref name="highBits"/> and low-target bits <paramref name="lowBits"/>.</summary>
    private static int Combine(int highBits, int lowBits, ReadOnlySpan<int> high, ReadOnlySpan<int> low)
    {
        int index = 0;
        for (int b = 0; b < high.Length; b++)
        {
            index |= ((highBits >> b) & 1) << high[b];
        }

        for (int b = 0; b < low.Length; b++)
        {
            index |= ((lowBits >> b) & 1) << low[b];
        }

        return index;
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VnQuantum.Qkd.PostProcessing;

/// <summary>
/// Toeplitz matrix–vector product over GF(2) by the Toeplitz form of Karatsuba (Fan and Hasan, IEEE TC 56 (2007)):
/// a square Toeplitz T = [[A, B], [C, A]] times x = (x₀, x₁) needs only three half-size products,
/// P₀ = A(x₀ ⊕ x₁), P₁ = (A ⊕ B)x₁, P₂ = (A ⊕ C)x₀, and y = (P₀ ⊕ P₁, P₀ ⊕ P₂), because the XOR of two Toeplitz
/// matrices is Toeplitz. It computes only the m output bits, where a polynomial product computes all n + m of them.
/// A 64×64 leaf is two carry-less multiplications.
/// </summary>
internal static class ToeplitzProduct
{
    private const int LeafWords = 16;

    /// <summary>
    /// y = T·x for the m×n Toeplitz T[i, j] = seed[i − j + n − 1]: the matrix is cut into square column blocks of a
    /// power-of-two word size, which run in parallel and are XORed together.
    /// </summary>
    public static void Multiply(KeyBits input, KeyBits seed, KeyBits output, int threads)
    {
        int n = input.Length, m = output.Length;
        int squareWords = (int)BitOperations.RoundUpToPowerOf2((uint)KeyBits.WordCount(m));
        int squareBits = squareWords * 64;
        int blocks = (n + squareBits - 1) / squareBits;
        var partials = new ulong[blocks][];
        void RunBlock(int c)
        {
            long firstColumn = (long)c * squareBits;
            var t = new ulong[2 * squareWords];
            var x = new ulong[squareWords];
            var y = new ulong[squareWords];
            var scratch = new ulong[10 * squareWords];
            try
            {
                // The block's own defining vector: t'[k] = seed[k + n − 1 − firstColumn − (squareBits − 1)], 0 outside.
                CopyBits(seed.Words, seed.Length, n - firstColumn - squareBits, t, (2 * squareBits) - 1);
                CopyBits(input.Words, n, firstColumn, x, squareBits);
                Square(t, x, y, scratch);
                partials[c] = y;
            }
            finally
            {
                Array.Clear(x);
                Array.Clear(scratch);
            }
        }

        // Column blocks are independent; each worker takes every k-th block, the caller's thread included.
        int workers = Math.Clamp(threads, 1, blocks);
        var others = new Task[workers - 1];
        for (int k = 1; k < workers; k++)
        {
            int first = k;
            others[k - 1] = Task.Factory.StartNew(() =>
            {
                for (int c = first; c < blocks; c += workers)
                {
                    RunBlock(c);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        for (int c = 0; c < blocks; c += workers)
        {
            RunBlock(c);
        }

        Task.WaitAll(others);

        Span<ulong> dst = output.Words;
        for (int c = 0; c < blocks; c++)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] ^= partials[c][i];
            }

            Array.Clear(partials[c]);
        }

        output.ClearTail();
    }

    /// <summary>y = T·x for a square Toeplitz of w words (64w bits) given by t (2w words, its last bit unused).</summary>
    /// <remarks>Fully optimised from the first call: privacy amplification runs once per block, too rarely for
    /// tiered compilation to reach it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Square(ReadOnlySpan<ulong> t, ReadOnlySpan<ulong> x, Span<ulong> y, Span<ulong> scratch)
    {
        int w = x.Length;
        if (w <= LeafWords)
        {
            Leaf(t, x, y);
            return;
        }

        int h = w / 2;
        var b = t[..w];
        var a = t[h..(h + w)];
        var c = t[w..(2 * w)];
        var xs = scratch[..h];
        var ab = scratch[h..(h + w)];
        var ac = scratch[(h + w)..(h + (2 * w))];
        var p0 = scratch[(h + (2 * w))..((2 * h) + (2 * w))];
        var p1 = scratch[((2 * h) + (2 * w))..((3 * h) + (2 * w))];
        var p2 = scratch[((3 * h) + (2 * w))..((4 * h) + (2 * w))];
        var deeper = scratch[((4 * h) + (2 * w))..];
        Xor(x[..h], x[h..], xs);
        Xor(a, b, ab);
        Xor(a, c, ac);
        Square(a, xs, p0, deeper);
        Square(ab, x[h..], p1, deeper);
        Square(ac, x[..h], p2, deeper);
        Xor(p0, p1, y[..h]);
        Xor(p0, p2, y[h..]);
    }

    /// <summary>Whether leaves use 512-bit carry-less multiplies (VPCLMULQDQ): a JIT-time constant. The test of the
    /// scalar twin runs in a child process started with <c>DOTNET_EnableAVX512=0</c> (the .NET 10 name of the knob; <c>…AVX512F</c> no longer turns it off), where this is false.</summary>
    internal static readonly bool UseVector512 = Pclmulqdq.V512.IsSupported && Avx512F.IsSupported;

    /// <summary>Word by word: the 64×64 block (i, j) is the Toeplitz of words t[i−j+w−1], t[i−j+w].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Leaf(ReadOnlySpan<ulong> t, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        int w = x.Length;
        if (UseVector512 && (w & 3) == 0)
        {
            LeafVector512(t, x, y);
            return;
        }

        for (int i = 0; i < w; i++)
        {
            ulong acc = 0;
            for (int j = 0; j < w; j++)
            {
                acc ^= Block(t[i - j + w - 1], t[i - j + w], x[j]);
            }

            y[i] = acc;
        }
    }

    /// <summary>
    /// Four rows at a time: lane r of a 512-bit register holds the block pair (t[o+r], t[o+r+1]) of row i+r, multiplied
    /// by the broadcast x[j]; products accumulate by XOR (the map is linear) and the bit extraction of
    /// <see cref="Block"/> happens once per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeafVector512(ReadOnlySpan<ulong> t, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        int w = x.Length;
        var pairs = Vector512.Create(0UL, 1, 1, 2, 2, 3, 3, 7);
        for (int i = 0; i < w; i += 4)
        {
            var acc0 = Vector512<ulong>.Zero;
            var acc1 = Vector512<ulong>.Zero;
            for (int j = 0; j < w; j++)
            {
                int o = i - j + w - 1;
                var window = Vector512.Create(Vector256.Create(t.Slice(o, 4)), Vector256.Create(t.Slice(o + 1, 4)));
                var tv = Avx512F.PermuteVar8x64(window, pairs);
                var xv = Vector512.Create(x[j]);
                acc0 ^= Pclmulqdq.V512.CarrylessMultiply(tv, xv, 0x00);
                acc1 ^= Pclmulqdq.V512.CarrylessMultiply(tv, xv, 0x01);
            }

            for (int r = 0; r < 4; r++)
            {
                ulong lo = acc0.GetElement(2 * r), hi = acc0.GetElement((2 * r) + 1);
                y[i + r] = ((hi << 1) | (lo >> 63)) ^ (acc1.GetElement(2 * r) << 1);
            }
        }
    }

    /// <summary>
    /// The 64×64 Toeplitz block with defining bits (lo, hi) times x: bits 63…126 of the product (hi·2⁶⁴ + lo)·x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Block(ulong lo, ulong hi, ulong x)
    {
        if (Pclmulqdq.IsSupported)
        {
            var tv = Vector128.Create(lo, hi);
            var xv = Vector128.CreateScalar(x);
            var p0 = Pclmulqdq.CarrylessMultiply(tv, xv, 0x00);
            var p1 = Pclmulqdq.CarrylessMultiply(tv, xv, 0x01);
            return ((p0.GetElement(1) << 1) | (p0.GetElement(0) >> 63)) ^ (p1.GetElement(0) << 1);
        }

        var (l0, h0) = GaloisField64.CarrylessProductScalar(lo, x);
        var (l1, _) = GaloisField64.CarrylessProductScalar(hi, x);
        return ((h0 << 1) | (l0 >> 63)) ^ (l1 << 1);
    }

    /// <summary>result = a ⊕ b word by word (result may be a or b).</summary>
    internal static void Xor(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= result.Length; i += 4)
            {
                (Vector256.Create(a.Slice(i, 4)) ^ Vector256.Create(b.Slice(i, 4))).CopyTo(result.Slice(i, 4));
            }
        }

        for (; i < result.Length; i++)
        {
            result[i] = a[i] ^ b[i];
        }
    }

    /// <summary>Copies <paramref name="count"/> bits of <paramref name="source"/> (of <paramref name="sourceBits"/>
    /// valid bits) starting at bit <paramref name="from"/> (may be negative) into <paramref name="dst"/>; bits outside
    /// the source read as 0.</summary>
    private static void CopyBits(ReadOnlySpan<ulong> source, long sourceBits, long from, Span<ulong> dst, long count)
    {
        dst.Clear();
        for (int k = 0; k < dst.Length; k++)
        {
            long bit = from + (64L * k);
            ulong word = Read64(source, sourceBits, bit);
            long valid = count - (64L * k);
            if (valid < 64)
            {
                word &= valid <= 0 ? 0 : (1UL << (int)valid) - 1;
            }

            dst[k] = word;
        }
    }

    /// <summary>64 bits starting at bit <paramref name="bit"/>, zero outside [0, sourceBits).</summary>
    private static ulong Read64(ReadOnlySpan<ulong> source, long sourceBits, long bit)
    {
        if (bit >= sourceBits || bit <= -64)
        {
            return 0;
        }

        ulong result;
        if (bit < 0)
        {
            result = source[0] << (int)-bit;
        }
        else
        {
            int word = (int)(bit >> 6), shift = (int)(bit & 63);
            result = source[word] >> shift;
            if (shift != 0 && word + 1 < source.Length)
            {
                result |= source[word + 1] << (64 - shift);
            }
        }

        long valid = sourceBits - bit;
        return valid >= 64 ? result : result & ((1UL << (int)valid) - 1);
    }
}

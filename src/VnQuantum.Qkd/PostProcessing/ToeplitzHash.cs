using System.Numerics;
using System.Runtime.CompilerServices;
using MathNet.Numerics.IntegralTransforms;

namespace VnQuantum.Qkd.PostProcessing;

/// <summary>How <see cref="ToeplitzHash"/> computes the product.</summary>
public enum ToeplitzMethod
{
    /// <summary>The fastest here: <see cref="ToeplitzKaratsuba"/> (see docs/benchmarks.md).</summary>
    Auto,

    /// <summary>The Toeplitz matrix–vector form of Karatsuba: three half-size products per level, only the output
    /// bits computed, carry-less multiply at the leaves, column blocks in parallel.</summary>
    ToeplitzKaratsuba,

    /// <summary>Polynomial product over GF(2) by Karatsuba on 64-bit words, carry-less multiply at the leaves.</summary>
    CarrylessKaratsuba,

    /// <summary>Integer convolution by double-precision FFT, then parity. Exact while the rounding margin holds.</summary>
    Fft,

    /// <summary>The matrix product bit by bit, O(n·m): the reference for tests.</summary>
    Direct,
}

/// <summary>
/// Privacy amplification by Toeplitz hashing: out = T·in over GF(2), with T the m×n Toeplitz matrix
/// T[i, j] = seed[i − j + n − 1] built from n + m − 1 seed bits (a 2-universal family, so the leftover hash lemma
/// applies). T·in is the middle of the polynomial product seed·in, which is what makes it sub-quadratic.
/// </summary>
public static class ToeplitzHash
{
    private const int SchoolbookWords = 32;

    /// <summary>Hashes <paramref name="input"/> (n bits) down to <paramref name="outputBits"/> bits with a seed of n+m−1 bits.</summary>
    /// <param name="threads">Threads for <see cref="ToeplitzMethod.ToeplitzKaratsuba"/>; 0 = all processors.</param>
    public static KeyBits Compress(KeyBits input, KeyBits seed, int outputBits, ToeplitzMethod method = ToeplitzMethod.Auto, int threads = 0)
    {
        int n = input.Length, m = outputBits;
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, n);
        if (seed.Length != n + m - 1 && m > 0)
        {
            throw new ArgumentException($"a Toeplitz seed for {n} → {m} bits has {n + m - 1} bits, not {seed.Length}", nameof(seed));
        }

        threads = threads > 0 ? threads : Environment.ProcessorCount;
        var output = new KeyBits(m);
        if (m == 0)
        {
            return output;
        }

        switch (method)
        {
            case ToeplitzMethod.Direct:
                Direct(input, seed, output);
                break;
            case ToeplitzMethod.Fft:
                ByFft(input, seed, output);
                break;
            case ToeplitzMethod.CarrylessKaratsuba:
                ByKaratsuba(input, seed, output);
                break;
            default:
                ToeplitzProduct.Multiply(input, seed, output, threads);
                break;
        }

        return output;
    }

    private static void Direct(KeyBits input, KeyBits seed, KeyBits output)
    {
        int n = input.Length;
        for (int i = 0; i < output.Length; i++)
        {
            bool bit = false;
            for (int j = 0; j < n; j++)
            {
                bit ^= seed[i - j + n - 1] & input[j];
            }

            output[i] = bit;
        }
    }

    private static void ByKaratsuba(KeyBits input, KeyBits seed, KeyBits output)
    {
        int n = input.Length;
        int words = BitOperations.RoundUpToPowerOf2((uint)Math.Max(seed.Words.Length, input.Words.Length)) is var p ? (int)p : 0;
        var a = new ulong[words];
        var b = new ulong[words];
        var product = new ulong[2 * words];
        var scratch = new ulong[4 * words];
        try
        {
            seed.Words.CopyTo(a);
            input.Words.CopyTo(b);
            Multiply(a, b, product, scratch);
            ExtractBits(product, n - 1, output);
        }
        finally
        {
            // The input is secret, and so is everything derived from it.
            Array.Clear(b);
            Array.Clear(product);
            Array.Clear(scratch);
        }
    }

    private static void ByFft(KeyBits input, KeyBits seed, KeyBits output)
    {
        int n = input.Length, total = seed.Length;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)(n + total));
        var x = new Complex[size];
        var t = new Complex[size];
        try
        {
            // Pack the two real sequences into one complex transform: z = x + i·t.
            var z = x;
            for (int j = 0; j < n; j++)
            {
                z[j] = new Complex(input[j] ? 1 : 0, 0);
            }

            for (int j = 0; j < total; j++)
            {
                z[j] = new Complex(z[j].Real, seed[j] ? 1 : 0);
            }

            Fourier.Forward(z, FourierOptions.NoScaling);
            for (int k = 0; k < size; k++)
            {
                Complex zk = z[k], zc = Complex.Conjugate(z[(size - k) & (size - 1)]);
                Complex xk = (zk + zc) / 2;
                Complex tk = (zk - zc) / new Complex(0, 2);
                t[k] = xk * tk;
            }

            Fourier.Inverse(t, FourierOptions.NoScaling);
            double worst = 0;
            for (int i = 0; i < output.Length; i++)
            {
                double c = t[i + n - 1].Real / size;
                double rounded = Math.Round(c);
                worst = Math.Max(worst, Math.Abs(c - rounded));
                output[i] = ((long)rounded & 1) != 0;
            }

            if (worst > 0.25)
            {
                throw new InvalidOperationException($"FFT rounding margin lost ({worst:F3}); use the Karatsuba method for this size");
            }
        }
        finally
        {
            Array.Clear(x);
            Array.Clear(t);
        }
    }

    private static void ExtractBits(ReadOnlySpan<ulong> product, int offset, KeyBits output)
    {
        Span<ulong> dst = output.Words;
        int shift = offset & 63, word = offset >> 6;
        for (int i = 0; i < dst.Length; i++)
        {
            ulong lo = product[word + i] >> shift;
            ulong hi = shift == 0 || word + i + 1 >= product.Length ? 0 : product[word + i + 1] << (64 - shift);
            dst[i] = lo | hi;
        }

        output.ClearTail();
    }

    /// <summary>c = a·b over GF(2)[x] for equal power-of-two word counts; c has twice the words.</summary>
    internal static void Multiply(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c, Span<ulong> scratch)
    {
        int n = a.Length;
        if (n <= SchoolbookWords)
        {
            Schoolbook(a, b, c);
            return;
        }

        int h = n / 2;
        var a0 = a[..h];
        var a1 = a[h..];
        var b0 = b[..h];
        var b1 = b[h..];
        var low = c[..n];
        var high = c[n..];
        Multiply(a0, b0, low, scratch[(2 * n)..]);
        Multiply(a1, b1, high, scratch[(2 * n)..]);

        // Middle = (a0+a1)(b0+b1) − low − high; over GF(2) every minus is an XOR.
        var sa = scratch[..h];
        var sb = scratch[h..n];
        var mid = scratch[n..(2 * n)];
        ToeplitzProduct.Xor(a0, a1, sa);
        ToeplitzProduct.Xor(b0, b1, sb);
        Multiply(sa, sb, mid, scratch[(2 * n)..]);
        ToeplitzProduct.Xor(mid, low, mid);
        ToeplitzProduct.Xor(mid, high, mid);
        ToeplitzProduct.Xor(c.Slice(h, n), mid, c.Slice(h, n));
    }

    private static void Schoolbook(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c)
    {
        c.Clear();
        for (int i = 0; i < a.Length; i++)
        {
            ulong ai = a[i];
            for (int j = 0; j < b.Length; j++)
            {
                var (lo, hi) = GaloisField64.CarrylessProduct(ai, b[j]);
                c[i + j] ^= lo;
                c[i + j + 1] ^= hi;
            }
        }
    }
}

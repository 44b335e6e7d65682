using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VnQuantum.Qkd.PostProcessing;

/// <summary>
/// Arithmetic in GF(2⁶⁴) = GF(2)[x]/(x⁶⁴ + x⁴ + x³ + x + 1), the field of the polynomial hashes. Multiplication uses
/// the carry-less multiply instruction where the CPU has it and a shift-and-add scalar twin otherwise; tests prove them
/// equal.
/// </summary>
internal static class GaloisField64
{
    // x⁶⁴ ≡ x⁴ + x³ + x + 1.
    private const ulong ReductionTail = 0x1B;

    public static ulong Multiply(ulong a, ulong b) =>
        Pclmulqdq.IsSupported ? MultiplyClmul(a, b) : MultiplyScalar(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong MultiplyClmul(ulong a, ulong b)
    {
        var (lo, hi) = CarrylessProductClmul(a, b);
        return Reduce(lo, hi);
    }

    internal static ulong MultiplyScalar(ulong a, ulong b)
    {
        var (lo, hi) = CarrylessProductScalar(a, b);
        return Reduce(lo, hi);
    }

    /// <summary>The 128-bit carry-less (GF(2)[x]) product of two 64-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (ulong Lo, ulong Hi) CarrylessProduct(ulong a, ulong b) =>
        Pclmulqdq.IsSupported ? CarrylessProductClmul(a, b) : CarrylessProductScalar(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (ulong Lo, ulong Hi) CarrylessProductClmul(ulong a, ulong b)
    {
        var product = Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(a), Vector128.CreateScalar(b), 0x00);
        return (product.GetElement(0), product.GetElement(1));
    }

    /// <summary>The scalar twin of <see cref="CarrylessProductClmul"/>: shift and XOR.</summary>
    internal static (ulong Lo, ulong Hi) CarrylessProductScalar(ulong a, ulong b)
    {
        ulong lo = 0, hi = 0;
        for (int i = 0; i < 64; i++)
        {
            if (((b >> i) & 1) != 0)
            {
                lo ^= a << i;
                hi ^= i == 0 ? 0 : a >> (64 - i);
            }
        }

        return (lo, hi);
    }

    /// <summary>Reduces the 128-bit product hi·x⁶⁴ + lo modulo the field polynomial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Reduce(ulong lo, ulong hi)
    {
        // hi·x⁶⁴ ≡ hi·(x⁴+x³+x+1); the part of that which overflows 64 bits (at most 4 bits) folds once more.
        ulong overflow = (hi >> 60) ^ (hi >> 61) ^ (hi >> 63);
        ulong folded = hi ^ (hi << 1) ^ (hi << 3) ^ (hi << 4);
        ulong overflowFolded = overflow ^ (overflow << 1) ^ (overflow << 3) ^ (overflow << 4);
        return lo ^ folded ^ overflowFolded;
    }
}

/// <summary>
/// The polynomial hash over GF(2⁶⁴): h_k(m) = Σ mᵢ·k^(L−i+1) for a message of L 64-bit blocks followed by a length
/// block. For two different messages of at most L blocks, Pr_k[h_k(m) ⊕ h_k(m′) = c] ≤ (L+1)/2⁶⁴ for every c: the
/// family is ε-almost-XOR-universal, which is what key verification and Wegman–Carter authentication need.
/// </summary>
internal static class PolynomialHash
{
    /// <summary>The hash of <paramref name="blocks"/> under key <paramref name="key"/>.</summary>
    public static ulong Compute(ulong key, ReadOnlySpan<ulong> blocks)
    {
        ulong h = 0;
        foreach (ulong m in blocks)
        {
            h = GaloisField64.Multiply(h ^ m, key);
        }

        // The length block makes messages of different lengths differ as polynomials.
        return GaloisField64.Multiply(h ^ (ulong)blocks.Length, key);
    }

    /// <summary>The hash of a byte message (zero-padded to whole blocks; the byte length goes into the last block).</summary>
    public static ulong Compute(ulong key, ReadOnlySpan<byte> message)
    {
        ulong h = 0;
        int full = message.Length / 8;
        for (int i = 0; i < full; i++)
        {
            h = GaloisField64.Multiply(h ^ BitConverter.ToUInt64(message.Slice(i * 8, 8)), key);
        }

        if ((message.Length & 7) != 0)
        {
            Span<byte> tail = stackalloc byte[8];
            tail.Clear();
            message[(full * 8)..].CopyTo(tail);
            h = GaloisField64.Multiply(h ^ BitConverter.ToUInt64(tail), key);
        }

        return GaloisField64.Multiply(h ^ (ulong)message.Length, key);
    }

    /// <summary>Collision bound (L+1)/2⁶⁴ for messages of <paramref name="bits"/> bits.</summary>
    public static double CollisionProbability(long bits) => (((bits + 63) / 64) + 1) / Math.Pow(2, 64);
}

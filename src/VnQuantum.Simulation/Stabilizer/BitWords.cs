using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VnQuantum.Simulation.Stabilizer;

/// <summary>
/// Word-parallel bit operations on spans of 64-bit words: the inner loops of the tableau and of the Pauli-frame
/// sampler. Each has a Vector256 path and a scalar twin; tests prove them equal.
/// </summary>
internal static class BitWords
{
    // A JIT-time constant: the branch not taken is not compiled. Tests reach the scalar twins through the overloads
    // that take the path explicitly, never through a switch other tests would see.
    private static readonly bool Vectors = Vector256.IsHardwareAccelerated;

    /// <summary>destination ^= source.</summary>
    public static void Xor(Span<ulong> destination, ReadOnlySpan<ulong> source) => Xor(destination, source, Vectors);

    /// <summary>The same with the path chosen: <paramref name="vectors"/> false runs the scalar twin.</summary>
    internal static void Xor(Span<ulong> destination, ReadOnlySpan<ulong> source, bool vectors)
    {
        int i = 0;
        if (vectors && Vector256.IsHardwareAccelerated)
        {
            ref ulong d = ref MemoryMarshal.GetReference(destination);
            ref ulong s = ref MemoryMarshal.GetReference(source);
            for (; i + 4 <= destination.Length; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref d, (nuint)i) ^ Vector256.LoadUnsafe(ref s, (nuint)i);
                v.StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] ^= source[i];
        }
    }

    /// <summary>Exchanges the contents of two equal-length spans.</summary>
    public static void Swap(Span<ulong> a, Span<ulong> b) => Swap(a, b, Vectors);

    /// <summary>The same with the path chosen: <paramref name="vectors"/> false runs the scalar twin.</summary>
    internal static void Swap(Span<ulong> a, Span<ulong> b, bool vectors)
    {
        int i = 0;
        if (vectors && Vector256.IsHardwareAccelerated)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a);
            ref ulong rb = ref MemoryMarshal.GetReference(b);
            for (; i + 4 <= a.Length; i += 4)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
                va.StoreUnsafe(ref rb, (nuint)i);
                vb.StoreUnsafe(ref ra, (nuint)i);
            }
        }

        for (; i < a.Length; i++)
        {
            (a[i], b[i]) = (b[i], a[i]);
        }
    }

    /// <summary>signs ^= x ∧ z, then x ↔ z: the Hadamard on one tableau column or one frame qubit.</summary>
    public static void Hadamard(Span<ulong> x, Span<ulong> z, Span<ulong> signs) => Hadamard(x, z, signs, Vectors);

    /// <summary>The same with the path chosen: <paramref name="vectors"/> false runs the scalar twin.</summary>
    internal static void Hadamard(Span<ulong> x, Span<ulong> z, Span<ulong> signs, bool vectors)
    {
        int i = 0;
        if (vectors && Vector256.IsHardwareAccelerated)
        {
            ref ulong rx = ref MemoryMarshal.GetReference(x);
            ref ulong rz = ref MemoryMarshal.GetReference(z);
            ref ulong rs = ref MemoryMarshal.GetReference(signs);
            for (; i + 4 <= x.Length; i += 4)
            {
                var vx = Vector256.LoadUnsafe(ref rx, (nuint)i);
                var vz = Vector256.LoadUnsafe(ref rz, (nuint)i);
                (Vector256.LoadUnsafe(ref rs, (nuint)i) ^ (vx & vz)).StoreUnsafe(ref rs, (nuint)i);
                vz.StoreUnsafe(ref rx, (nuint)i);
                vx.StoreUnsafe(ref rz, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            signs[i] ^= x[i] & z[i];
            (x[i], z[i]) = (z[i], x[i]);
        }
    }

    /// <summary>
    /// The CX update of Aaronson–Gottesman on one pair of columns (control a, target b):
    /// r ^= x_a ∧ z_b ∧ ¬(x_b ⊕ z_a); x_b ^= x_a; z_a ^= z_b.
    /// </summary>
    public static void ControlledX(Span<ulong> xa, Span<ulong> za, Span<ulong> xb, Span<ulong> zb, Span<ulong> signs) => ControlledX(xa, za, xb, zb, signs, Vectors);

    /// <summary>The same with the path chosen: <paramref name="vectors"/> false runs the scalar twin.</summary>
    internal static void ControlledX(Span<ulong> xa, Span<ulong> za, Span<ulong> xb, Span<ulong> zb, Span<ulong> signs, bool vectors)
    {
        int i = 0;
        if (vectors && Vector256.IsHardwareAccelerated)
        {
            ref ulong rxa = ref MemoryMarshal.GetReference(xa);
            ref ulong rza = ref MemoryMarshal.GetReference(za);
            ref ulong rxb = ref MemoryMarshal.GetReference(xb);
            ref ulong rzb = ref MemoryMarshal.GetReference(zb);
            ref ulong rs = ref MemoryMarshal.GetReference(signs);
            for (; i + 4 <= xa.Length; i += 4)
            {
                nuint o = (nuint)i;
                var vxa = Vector256.LoadUnsafe(ref rxa, o);
                var vza = Vector256.LoadUnsafe(ref rza, o);
                var vxb = Vector256.LoadUnsafe(ref rxb, o);
                var vzb = Vector256.LoadUnsafe(ref rzb, o);
                (Vector256.LoadUnsafe(ref rs, o) ^ Vector256.AndNot(vxa & vzb, vxb ^ vza)).StoreUnsafe(ref rs, o);
                (vxb ^ vxa).StoreUnsafe(ref rxb, o);
                (vza ^ vzb).StoreUnsafe(ref rza, o);
            }
        }

        for (; i < xa.Length; i++)
        {
            signs[i] ^= xa[i] & zb[i] & ~(xb[i] ^ za[i]);
            xb[i] ^= xa[i];
            za[i] ^= zb[i];
        }
    }

    /// <summary>Parity of the set bits of a ∧ b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AndParity(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong acc = 0;
        for (int i = 0; i < a.Length; i++)
        {
            acc ^= a[i] & b[i];
        }

        return (int)(ulong.PopCount(acc) & 1);
    }

    public static bool Get(ReadOnlySpan<ulong> words, int bit) => ((words[bit >> 6] >> (bit & 63)) & 1) != 0;

    public static void Set(Span<ulong> words, int bit, bool value)
    {
        ulong mask = 1UL << (bit & 63);
        words[bit >> 6] = value ? words[bit >> 6] | mask : words[bit >> 6] & ~mask;
    }

    public static void Flip(Span<ulong> words, int bit) => words[bit >> 6] ^= 1UL << (bit & 63);

    public static bool IsZero(ReadOnlySpan<ulong> words)
    {
        foreach (ulong w in words)
        {
            if (w != 0)
            {
                return false;
            }
        }

        return true;
    }
}

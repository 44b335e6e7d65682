using System.Numerics;

namespace VnQuantum.Circuits.Ir;

/// <summary>
/// Reads measured bits as unsigned integers of any width and compares them, without allocating: registers of up to
/// 64 bits as one ulong, wider ones bit by bit from the most significant end.
/// </summary>
internal static class ClassicalBits
{
    /// <summary>The sign of (bits − value), the bits being clbits[offset … offset+size−1].</summary>
    public static int CompareWith(ReadOnlySpan<bool> clbits, int offset, int size, BigInteger value)
    {
        Span<int> indices = size <= 512 ? stackalloc int[size] : new int[size];
        for (int i = 0; i < size; i++)
        {
            indices[i] = offset + i;
        }

        return CompareWith(clbits, indices, value);
    }

    /// <summary>The sign of (bits − value), bits[0] the least significant.</summary>
    public static int CompareWith(ReadOnlySpan<bool> clbits, ReadOnlySpan<int> bits, BigInteger value)
    {
        if (value.Sign < 0)
        {
            return 1;
        }

        if (bits.Length <= 64 && value <= ulong.MaxValue)
        {
            ulong read = 0;
            for (int i = 0; i < bits.Length; i++)
            {
                if (clbits[bits[i]])
                {
                    read |= 1UL << i;
                }
            }

            return read.CompareTo((ulong)value);
        }

        int byteCount = value.GetByteCount(isUnsigned: true);
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        for (int b = Math.Max(bits.Length, byteCount * 8) - 1; b >= 0; b--)
        {
            bool mine = b < bits.Length && clbits[bits[b]];
            bool theirs = b < byteCount * 8 && ((bytes[b >> 3] >> (b & 7)) & 1) == 1;
            if (mine != theirs)
            {
                return mine ? 1 : -1;
            }
        }

        return 0;
    }

    /// <summary>The sign of (left − right), both unsigned, of any widths.</summary>
    public static int Compare(ReadOnlySpan<bool> clbits, ReadOnlySpan<int> left, ReadOnlySpan<int> right)
    {
        for (int b = Math.Max(left.Length, right.Length) - 1; b >= 0; b--)
        {
            bool l = b < left.Length && clbits[left[b]];
            bool r = b < right.Length && clbits[right[b]];
            if (l != r)
            {
                return l ? 1 : -1;
            }
        }

        return 0;
    }

    /// <summary>Whether a comparison's sign satisfies the operator (== != &lt; &lt;= &gt; &gt;=).</summary>
    public static bool Test(int sign, string op) => op switch
    {
        "==" => sign == 0,
        "!=" => sign != 0,
        "<" => sign < 0,
        "<=" => sign <= 0,
        ">" => sign > 0,
        _ => sign >= 0,
    };
}

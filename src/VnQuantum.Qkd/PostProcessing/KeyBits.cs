using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using VnQuantum.Randomness;

namespace VnQuantum.Qkd.PostProcessing;

/// <summary>
/// A bit string packed 64 to a word (bit i is bit i mod 64 of word i/64), holding key material. Disposing zeroes the
/// words, so a key never outlives its use in memory it does not own. Bits past <see cref="Length"/> are always 0.
/// </summary>
public sealed class KeyBits : IDisposable
{
    private ulong[] _words;

    /// <summary>A zeroed string of <paramref name="length"/> bits.</summary>
    public KeyBits(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _words = new ulong[WordCount(length)];
    }

    /// <summary>
    /// <paramref name="length"/> bits from <paramref name="random"/>: public randomness (shuffle and Toeplitz seeds,
    /// test keys). A seeded generator is not a source of secret keys.
    /// </summary>
    public static KeyBits Random(int length, Randomness.SeededRandom random)
    {
        var bits = new KeyBits(length);
        for (int i = 0; i < bits._words.Length; i++)
        {
            bits._words[i] = random.NextUInt64();
        }

        bits.ClearTail();
        return bits;
    }

    /// <summary>Number of bits.</summary>
    public int Length { get; private set; }

    /// <summary>The packed words; the caller must not keep a copy beyond the key's life.</summary>
    public Span<ulong> Words => _words;

    /// <summary>Words needed for <paramref name="bits"/> bits.</summary>
    public static int WordCount(int bits) => (bits + 63) >> 6;

    public bool this[int index]
    {
        get => ((_words[index >> 6] >> (index & 63)) & 1) != 0;
        set
        {
            ulong mask = 1UL << (index & 63);
            if (value)
            {
                _words[index >> 6] |= mask;
            }
            else
            {
                _words[index >> 6] &= ~mask;
            }
        }
    }

    /// <summary>Flips bit <paramref name="index"/>.</summary>
    public void Flip(int index) => _words[index >> 6] ^= 1UL << (index & 63);

    /// <summary>Number of positions where this string and <paramref name="other"/> differ.</summary>
    public long HammingDistance(KeyBits other)
    {
        if (other.Length != Length)
        {
            throw new ArgumentException("strings differ in length", nameof(other));
        }

        long d = 0;
        for (int i = 0; i < _words.Length; i++)
        {
            d += BitOperations.PopCount(_words[i] ^ other._words[i]);
        }

        return d;
    }

    /// <summary>A copy of the first <paramref name="length"/> bits.</summary>
    public KeyBits Prefix(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        var copy = new KeyBits(length);
        _words.AsSpan(0, copy._words.Length).CopyTo(copy._words);
        copy.ClearTail();
        return copy;
    }

    /// <summary>A copy of the whole string.</summary>
    public KeyBits Clone() => Prefix(Length);

    /// <summary>The key as bytes, bit i in bit (i mod 8) of byte i/8. The caller owns (and must zero) the array.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[(Length + 7) / 8];
        MemoryMarshal.AsBytes(_words.AsSpan()).Slice(0, bytes.Length).CopyTo(bytes);
        return bytes;
    }

    /// <summary>True when both strings hold the same bits.</summary>
    public bool BitsEqual(KeyBits other) => other.Length == Length && _words.AsSpan().SequenceEqual(other._words);

    /// <summary>Zeroes the key material and leaves an empty string.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_words.AsSpan()));
        _words = [];
        Length = 0;
    }

    internal void ClearTail()
    {
        if ((Length & 63) != 0)
        {
            _words[^1] &= (1UL << (Length & 63)) - 1;
        }
    }
}

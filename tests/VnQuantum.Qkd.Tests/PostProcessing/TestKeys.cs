using VnQuantum.Qkd.PostProcessing;
using VnQuantum.Randomness;

namespace VnQuantum.Qkd.Tests.PostProcessing;

internal static class TestKeys
{
    public static KeyBits Random(int bits, ulong seed) => KeyBits.Random(bits, new SeededRandom(seed));

    /// <summary>A frame of <paramref name="bits"/> random bits (one per byte) for Alice, Bob's copy with each bit
    /// flipped with probability <paramref name="qber"/>, and the number of flips.</summary>
    public static (byte[] Alice, byte[] Bob, int Errors) NoisyFrame(int bits, double qber, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var alice = new byte[bits];
        var bob = new byte[bits];
        int errors = 0;
        for (int i = 0; i < bits; i++)
        {
            alice[i] = (byte)(rng.NextUInt64() & 1);
            bool flip = rng.NextDouble() < qber;
            bob[i] = (byte)(alice[i] ^ (flip ? 1 : 0));
            errors += flip ? 1 : 0;
        }

        return (alice, bob, errors);
    }

    /// <summary>A copy of <paramref name="key"/> with each bit flipped with probability <paramref name="qber"/>.</summary>
    public static KeyBits Noisy(KeyBits key, double qber, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var copy = key.Clone();
        for (int i = 0; i < copy.Length; i++)
        {
            if (rng.NextDouble() < qber)
            {
                copy.Flip(i);
            }
        }

        return copy;
    }

    public static AuthenticatedChannel Channel(Func<int, byte[], byte[]>? inTransit = null)
    {
        using var preShared = Random(1 << 20, 99);
        return new AuthenticatedChannel(new AuthenticationKeyPool(preShared), new AuthenticationKeyPool(preShared), inTransit);
    }
}

using VnQuantum.Qkd.PostProcessing;
using VnQuantum.Simulation;

namespace VnQuantum.Qkd.Tests.PostProcessing;

internal static class TestKeys
{
    public static KeyBits Random(int bits, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var key = new KeyBits(bits);
        for (int i = 0; i < key.Words.Length; i++)
        {
            key.Words[i] = rng.NextUInt64();
        }

        key.ClearTail();
        return key;
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

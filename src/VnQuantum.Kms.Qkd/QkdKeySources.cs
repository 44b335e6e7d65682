using System.Security.Cryptography;
using VnQuantum.Qkd.Links;
using VnQuantum.Qkd.PostProcessing;

namespace VnQuantum.Kms.Qkd;

/// <summary>A simulated QKD link as a KME's key source: the communication pillar's link and post-processing feed the server's pools.</summary>
public static class QkdKeySources
{
    /// <summary>
    /// Problems with the simulated-link sources of a KME configuration (the preset name is the pillar's to judge; the
    /// server checks only the shape), each naming its field; empty when every source can run.
    /// </summary>
    public static IReadOnlyList<string> Validate(KmsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        foreach (var (source, i) in options.KeySources.Prepend(options.KeySource).Select((s, i) => (s, i)))
        {
            if (source.QkdLink is { } q && !LinkPresets.IsKnown(q.Preset))
            {
                problems.Add($"{(i == 0 ? "keySource" : $"keySources[{i - 1}]")}.qkdLink.preset: {LinkPresets.UnknownMessage(q.Preset)}");
            }
        }

        return problems;
    }

    /// <summary>
    /// Runs the simulated QKD link and the whole post-processing chain of <c>VnQuantum.Qkd</c> once and feeds Alice's
    /// end of the final key to <paramref name="aliceStore"/> and Bob's (identical) end to <paramref name="bobStore"/>
    /// when given, under the link names each KME knows the other by. Returns the number of key bytes added (0 when the
    /// chain aborted).
    /// </summary>
    /// <param name="seed">Null (the default for serving keys): the simulation is seeded from the operating system's
    /// CSPRNG and its final key is masked with CSPRNG bytes (one mask for both ends, which stay equal), so nothing about
    /// the stream can be predicted — the simulator's own generator is not a cryptographic one. Given (tests only): the
    /// stream is a function of the seed, so two KME processes running it get the same bytes, and so does anyone who
    /// knows the seed.</param>
    public static int RunLink(QkdLink link, long pulses, ulong? seed, Storage.IKeyStore aliceStore, Storage.IKeyStore? bobStore = null, string aliceLink = KeyService.LocalLink, string bobLink = KeyService.LocalLink)
    {
        ArgumentNullException.ThrowIfNull(link);
        ulong simulationSeed = seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        if (KeyExchange.Plan(link, pulses).Problem is not null)
        {
            return 0;
        }

        using var exchange = KeyExchange.Run(new KeyExchangeOptions(link, pulses, simulationSeed));
        var result = exchange.Chain;
        if (result.Aborted || result.NetKeyBits < 8)
        {
            return 0;
        }

        // The first bits repay authentication (PostProcessingChain refilled the pools from them); the rest is key.
        int skip = (int)(((result.AuthenticationBitsConsumed + 63) / 64) * 8);
        byte[] alice = result.AliceKey!.ToBytes();
        byte[] bob = result.BobKey!.ToBytes();
        try
        {
            int usable = ((result.FinalKeyBits / 8) - skip) & ~7;
            if (usable <= 0)
            {
                return 0;
            }

            if (seed is null)
            {
                byte[] mask = RandomNumberGenerator.GetBytes(usable);
                for (int i = 0; i < usable; i++)
                {
                    alice[skip + i] ^= mask[i];
                    bob[skip + i] ^= mask[i];
                }

                CryptographicOperations.ZeroMemory(mask);
            }

            aliceStore.AddToPool(aliceLink, alice.AsSpan(skip, usable));
            bobStore?.AddToPool(bobLink, bob.AsSpan(skip, usable));
            return usable;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(alice);
            CryptographicOperations.ZeroMemory(bob);
        }
    }
}

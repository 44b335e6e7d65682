using System.Diagnostics;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.LinkSimulation;
using VnQuantum.Randomness;

namespace VnQuantum.Qkd.PostProcessing;

/// <summary>Error-correction method of the chain.</summary>
public enum Reconciliation
{
    /// <summary>Interactive Cascade (<see cref="ChainOptions.Cascade"/> schedule).</summary>
    Cascade,

    /// <summary>Rate-adaptive LDPC with blind retries: one syndrome per frame, few round trips.</summary>
    Ldpc,
}

/// <summary>Settings of the classical post-processing.</summary>
/// <param name="Cascade">Cascade schedule. Default <see cref="CascadeVariant.Yan"/>, the most efficient here.</param>
/// <param name="QberAbortThreshold">Abort when the test-basis QBER exceeds this. Default 0.11, the one-way BB84 limit
/// (Shor–Preskill), not a tuned value.</param>
/// <param name="EpsilonSecrecy">ε_sec of the finite-key bound. Default 10⁻¹⁰.</param>
/// <param name="EpsilonCorrectness">ε_cor. Default 10⁻¹⁵; the 64-bit verification hash gives far less for these sizes.</param>
/// <param name="FrameBits">Cascade frame size in bits. Default 2²⁰.</param>
/// <param name="Seed">Seed of the public random choices (shuffles, hash keys, Toeplitz seed); a deployment draws these
/// from a hardware generator.</param>
/// <param name="Method">Cascade (default) or LDPC.</param>
/// <param name="LdpcCodeLength">LDPC mother-code length n. Default 2¹⁶.</param>
/// <param name="LdpcTargetEfficiency">The f* the LDPC rate is chosen for; blind retries cover frames that fail.</param>
public sealed record ChainOptions(
    CascadeVariant Cascade = CascadeVariant.Yan,
    double QberAbortThreshold = 0.11,
    double EpsilonSecrecy = 1e-10,
    double EpsilonCorrectness = 1e-15,
    int FrameBits = 1 << 20,
    ulong Seed = 1,
    Reconciliation Method = Reconciliation.Cascade,
    int LdpcCodeLength = 1 << 16,
    double LdpcTargetEfficiency = 1.1);

/// <summary>Time spent in one stage.</summary>
public sealed record StageTiming(string Stage, TimeSpan Elapsed);

/// <summary>Everything the chain did, and the key (identical at both ends) when it produced one.</summary>
public sealed record ChainResult(
    string? AbortReason,
    long PulsesSent,
    long Detections,
    int SiftedKeyBits,
    long TestBits,
    double TestQber,
    double KeyQber,
    long LeakedBits,
    double ReconciliationEfficiency,
    int FinalKeyBits,
    long AuthenticationBitsConsumed,
    int Messages,
    FiniteKeyResult? Bound,
    IReadOnlyList<StageTiming> Timings,
    KeyBits? AliceKey,
    KeyBits? BobKey) : IDisposable
{
    public bool Aborted => AbortReason is not null;

    /// <summary>Final key minus the authentication key it has to pay back.</summary>
    public long NetKeyBits => FinalKeyBits - AuthenticationBitsConsumed;

    public void Dispose()
    {
        AliceKey?.Dispose();
        BobKey?.Dispose();
    }
}

/// <summary>
/// Sifting → parameter estimation → error correction → verification → privacy amplification, every message over the
/// Wegman–Carter <see cref="AuthenticatedChannel"/>. The finite-key bound of Lim et al. (2014) sets the output length
/// from the observed counts and the bits actually leaked.
/// </summary>
public static class PostProcessingChain
{
    /// <summary>Runs the chain on a link record. The pools are Alice's and Bob's copies of the authentication key; they
    /// are replenished from the new key for what this run consumed.</summary>
    public static ChainResult Run(
        LinkRecord record,
        DecoySettings settings,
        ChainOptions options,
        AuthenticationKeyPool alicePool,
        AuthenticationKeyPool bobPool,
        Func<int, byte[], byte[]>? inTransit = null,
        IProgress<string>? progress = null)
    {
        var timings = new List<StageTiming>();
        var clock = Stopwatch.StartNew();
        long poolBefore = alicePool.ConsumedBits;
        var channel = new AuthenticatedChannel(alicePool, bobPool, inTransit);
        var publicRandom = new SeededRandom(options.Seed);
        void Lap(string stage)
        {
            timings.Add(new StageTiming(stage, clock.Elapsed));
            clock.Restart();
            progress?.Report(stage);
        }

        // 1. Sifting: Bob announces his bases, Alice answers with hers and the intensity of each pulse.
        var det = record.Detections;
        byte[] bobBases = channel.Send(Party.Bob, BitPacking.Pack(det.Length, i => det[i].BobBasis == 1));
        byte[] aliceInfo = channel.Send(Party.Alice, BitPacking.Pack(det.Length * 3, j => (j % 3) switch
        {
            0 => det[j / 3].AliceBasis == 1,
            1 => (det[j / 3].Intensity & 1) != 0,
            _ => (det[j / 3].Intensity & 2) != 0,
        }));
        var keyIndex = new List<int>();
        var nX = new double[3];
        var nZ = new double[3];
        var mZ = new double[3];
        var testIndex = new List<int>();
        for (int i = 0; i < det.Length; i++)
        {
            bool aliceZ = BitPacking.Read(aliceInfo, 3 * i);
            int k = (BitPacking.Read(aliceInfo, (3 * i) + 1) ? 1 : 0) | (BitPacking.Read(aliceInfo, (3 * i) + 2) ? 2 : 0);
            if (aliceZ != BitPacking.Read(bobBases, i))
            {
                continue;
            }

            if (!aliceZ)
            {
                keyIndex.Add(i);
                nX[k]++;
            }
            else
            {
                testIndex.Add(i);
                nZ[k]++;
            }
        }

        using var aliceKey = new KeyBits(keyIndex.Count);
        using var bobKey = new KeyBits(keyIndex.Count);
        for (int j = 0; j < keyIndex.Count; j++)
        {
            aliceKey[j] = det[keyIndex[j]].AliceBit == 1;
            bobKey[j] = det[keyIndex[j]].BobBit == 1;
        }

        Lap("sifting");

        // 2. Parameter estimation: the test basis is disclosed whole (Alice sends her Z bits, Bob counts errors).
        byte[] aliceTestBits = channel.Send(Party.Alice, BitPacking.Pack(testIndex.Count, j => det[testIndex[j]].AliceBit == 1));
        long testErrors = 0;
        for (int j = 0; j < testIndex.Count; j++)
        {
            var d = det[testIndex[j]];
            if (BitPacking.Read(aliceTestBits, j) != (d.BobBit == 1))
            {
                testErrors++;
                mZ[d.Intensity]++;
            }
        }

        channel.Checkpoint();
        double testQber = testIndex.Count == 0 ? 0.5 : testErrors / (double)testIndex.Count;
        double keyQberTrue = keyIndex.Count == 0 ? 0 : bobKey.HammingDistance(aliceKey) / (double)keyIndex.Count;
        Lap("parameter estimation");

        ChainResult Abort(string reason, long leaked = 0, FiniteKeyResult? bound = null) => new(
            reason, record.PulsesSent, det.Length, keyIndex.Count, testIndex.Count, testQber, keyQberTrue, leaked, 0, 0,
            alicePool.ConsumedBits - poolBefore, channel.Messages, bound, timings, null, null);

        if (keyIndex.Count == 0 || testIndex.Count == 0)
        {
            return Abort("no sifted key or no test bits");
        }

        if (testQber > options.QberAbortThreshold)
        {
            return Abort($"QBER {testQber:P2} is above the abort threshold {options.QberAbortThreshold:P2}");
        }

        var expected = FiniteKeyDecoyBb84.FromCounts(settings, nX, nZ, mZ, testQber, 1.0 * keyIndex.Count * BinaryEntropy.Of(testQber), options.EpsilonSecrecy, options.EpsilonCorrectness, record.PulsesSent);
        if (expected.KeyLengthBits <= 0)
        {
            return Abort("the finite-key bound leaves no key for this block even with perfect error correction", 0, expected);
        }

        // 3. Error correction, frame by frame.
        long leaked = options.Method == Reconciliation.Ldpc
            ? CorrectByLdpc(aliceKey, bobKey, testQber, options, publicRandom, channel)
            : CorrectByCascade(aliceKey, bobKey, testQber, options, publicRandom, channel);

        channel.Checkpoint();
        double efficiency = keyQberTrue > 0 ? leaked / (keyIndex.Count * BinaryEntropy.Of(keyQberTrue)) : double.NaN;
        Lap("error correction");

        // 4. Verification: Alice picks a hash key after correction and sends it with her tag.
        ulong hashKey = publicRandom.NextUInt64();
        byte[] verification = channel.Send(Party.Alice, [.. BitConverter.GetBytes(hashKey), .. BitConverter.GetBytes(PolynomialHash.Compute(hashKey, aliceKey.Words))]);
        channel.Checkpoint();
        ulong receivedKey = BitConverter.ToUInt64(verification, 0);
        bool verified = PolynomialHash.Compute(receivedKey, bobKey.Words) == BitConverter.ToUInt64(verification, 8);
        leaked += 64;
        Lap("verification");
        if (!verified)
        {
            return Abort("verification failed: the corrected keys differ", leaked);
        }

        // 5. Privacy amplification to the finite-key length with the bits actually leaked.
        var bound = FiniteKeyDecoyBb84.FromCounts(settings, nX, nZ, mZ, keyQberTrue, leaked, options.EpsilonSecrecy, options.EpsilonCorrectness, record.PulsesSent);
        int finalBits = (int)Math.Min(bound.KeyLengthBits, keyIndex.Count);
        if (finalBits <= 0)
        {
            return Abort("the finite-key bound leaves no key after error correction", leaked, bound);
        }

        using var seed = KeyBits.Random(keyIndex.Count + finalBits - 1, publicRandom);
        byte[] seedBytes = channel.Send(Party.Alice, seed.ToBytes());
        channel.Checkpoint();
        using var bobSeed = FromBytes(seedBytes, seed.Length);
        var aliceFinal = ToeplitzHash.Compress(aliceKey, seed, finalBits);
        var bobFinal = ToeplitzHash.Compress(bobKey, bobSeed, finalBits);
        Lap("privacy amplification");

        // 6. Authentication paid back: the first bits of the new key refill both pools.
        long consumed = alicePool.ConsumedBits - poolBefore;
        int refill = (int)Math.Min(finalBits, ((consumed + 63) / 64) * 64);
        using (var aliceRefill = aliceFinal.Prefix(refill))
        using (var bobRefill = bobFinal.Prefix(refill))
        {
            alicePool.Replenish(aliceRefill);
            bobPool.Replenish(bobRefill);
        }

        return new ChainResult(null, record.PulsesSent, det.Length, keyIndex.Count, testIndex.Count, testQber, keyQberTrue, leaked, efficiency,
            finalBits, consumed, channel.Messages, bound, timings, aliceFinal, bobFinal);
    }

    private static long CorrectByCascade(KeyBits aliceKey, KeyBits bobKey, double qber, ChainOptions options, SeededRandom publicRandom, AuthenticatedChannel channel)
    {
        long leaked = 0;
        for (int start = 0; start < aliceKey.Length; start += options.FrameBits)
        {
            int len = Math.Min(options.FrameBits, aliceKey.Length - start);
            using var aliceFrame = Slice(aliceKey, start, len);
            using var bobFrame = Slice(bobKey, start, len);
            leaked += Cascade.Reconcile(aliceFrame, bobFrame, qber, options.Cascade, publicRandom.NextUInt64(), channel).LeakedBits;
            for (int j = 0; j < len; j++)
            {
                bobKey[start + j] = bobFrame[j];
            }
        }

        return leaked;
    }

    private static long CorrectByLdpc(KeyBits aliceKey, KeyBits bobKey, double qber, ChainOptions options, SeededRandom publicRandom, AuthenticatedChannel channel)
    {
        var ensemble = Ldpc.RateAdaptiveLdpc.ChooseEnsemble(qber, options.LdpcTargetEfficiency, Ldpc.DegreeDistribution.Published);
        var code = new Ldpc.RateAdaptiveLdpc(ensemble, options.LdpcCodeLength, seed: publicRandom.NextUInt64());

        // Alice's private randomness for punctured bits: never sent. Seeded here so runs repeat; a deployment draws it
        // from a hardware generator.
        var alicePrivate = new SeededRandom(options.Seed ^ 0xC2B2AE3D27D4EB4FUL);
        long leaked = 0;
        var alice = new byte[code.PayloadBits];
        var bob = new byte[code.PayloadBits];
        try
        {
            for (int start = 0; start < aliceKey.Length; start += code.PayloadBits)
            {
                int len = Math.Min(code.PayloadBits, aliceKey.Length - start);
                for (int j = 0; j < len; j++)
                {
                    alice[j] = (byte)(aliceKey[start + j] ? 1 : 0);
                    bob[j] = (byte)(bobKey[start + j] ? 1 : 0);
                }

                // A frame that still fails after every blind retry keeps its errors; verification then stops the chain.
                leaked += code.Reconcile(alice.AsSpan(0, len), bob.AsSpan(0, len), Math.Max(qber, 1e-3), options.LdpcTargetEfficiency, publicRandom.NextUInt64(), alicePrivate, channel).LeakedBits;
                for (int j = 0; j < len; j++)
                {
                    bobKey[start + j] = bob[j] != 0;
                }
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(alice);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bob);
        }

        return leaked;
    }

    private static KeyBits Slice(KeyBits key, int start, int length)
    {
        var s = new KeyBits(length);
        for (int j = 0; j < length; j++)
        {
            s[j] = key[start + j];
        }

        return s;
    }

    private static KeyBits FromBytes(byte[] bytes, int bits)
    {
        var k = new KeyBits(bits);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(k.Words)[..bytes.Length].Clear();
        bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(k.Words));
        k.ClearTail();
        return k;
    }


}

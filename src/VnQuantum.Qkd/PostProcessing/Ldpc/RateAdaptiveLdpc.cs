using System.Security.Cryptography;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Randomness;

namespace VnQuantum.Qkd.PostProcessing.Ldpc;

/// <summary>What one LDPC frame cost.</summary>
/// <param name="Success">The decoder met Alice's syndrome (verification by hash still follows in the chain).</param>
/// <param name="LeakedBits">Syndrome bits minus the bits still punctured (revealed ones count): what Eve learns.</param>
/// <param name="Iterations">Belief-propagation iterations used.</param>
/// <param name="PayloadBits">Key bits reconciled by the frame.</param>
/// <param name="Punctured">Punctured positions (random bits Alice adds and Bob does not know).</param>
/// <param name="Shortened">Shortened positions (bits both sides know).</param>
public sealed record LdpcFrameResult(bool Success, long LeakedBits, int Iterations, int PayloadBits, int Punctured, int Shortened)
{
    /// <summary>f = leaked / (payload · h(QBER)).</summary>
    public double Efficiency(double qber) => LeakedBits / (PayloadBits * BinaryEntropy.Of(qber));
}

/// <summary>
/// Rate-adaptive LDPC reconciliation (Elkouss, Martinez-Mateo, Martin, "Information reconciliation for QKD", QIC 11
/// (2011); arXiv:1007.1616): a mother code of length n and rate R₀ with d = δ·n positions that are either punctured
/// (filled by Alice with secret random bits) or shortened (filled with bits both know), so the effective rate
/// R = (R₀ − σ)/(1 − π − σ) follows the estimated QBER: R = 1 − f*·h(p). Alice sends the syndrome; Bob decodes.
/// </summary>
public sealed class RateAdaptiveLdpc
{
    private readonly ParityCheckMatrix _h;
    private readonly BeliefPropagationDecoder _decoder;
    private readonly int[] _layout;

    /// <param name="ensemble">Mother-code ensemble.</param>
    /// <param name="codeLength">n, bits per frame (payload n − d).</param>
    /// <param name="modulationFraction">δ = d/n. Default 0.1, as in the paper.</param>
    /// <param name="seed">Public seed of the code and of the frame layout.</param>
    public RateAdaptiveLdpc(DegreeDistribution ensemble, int codeLength, double modulationFraction = 0.1, ulong seed = 1)
    {
        _h = ParityCheckMatrix.Random(ensemble, codeLength, seed);
        _decoder = new BeliefPropagationDecoder(_h);
        Modulated = (int)Math.Round(modulationFraction * codeLength);
        var rng = new SeededRandom(seed ^ 0xA5A5A5A5UL);
        _layout = Enumerable.Range(0, codeLength).ToArray();
        for (int i = codeLength - 1; i > 0; i--)
        {
            int j = (int)rng.NextInt64(i + 1);
            (_layout[i], _layout[j]) = (_layout[j], _layout[i]);
        }
    }

    /// <summary>Mother-code rate R₀.</summary>
    public double MotherRate => _h.Rate;

    /// <summary>Code length n.</summary>
    public int CodeLength => _h.Variables;

    /// <summary>d: punctured plus shortened positions per frame.</summary>
    public int Modulated { get; }

    /// <summary>Key bits per frame, n − d.</summary>
    public int PayloadBits => CodeLength - Modulated;

    /// <summary>The mother code (of <paramref name="ensembles"/>) whose adaptable range holds the rate 1 − f*·h(p).</summary>
    public static DegreeDistribution ChooseEnsemble(double qber, double targetEfficiency, IReadOnlyList<DegreeDistribution> ensembles, double modulationFraction = 0.1)
    {
        double rate = 1 - (targetEfficiency * BinaryEntropy.Of(qber));
        foreach (var e in ensembles.OrderByDescending(e => e.DesignRate))
        {
            if (rate >= (e.DesignRate - modulationFraction) / (1 - modulationFraction))
            {
                return e;
            }
        }

        return ensembles.OrderBy(e => e.DesignRate).First();
    }

    /// <summary>
    /// Reconciles one frame: corrects <paramref name="bob"/> (payload bits) towards <paramref name="alice"/> for an
    /// estimated QBER <paramref name="qber"/>, aiming at efficiency <paramref name="targetEfficiency"/>.
    /// <paramref name="frameSeed"/> draws the shortened values (public); <paramref name="aliceRandom"/> draws the
    /// punctured bits, which must stay Alice's secret (never derived from anything sent), or they would leak.
    /// </summary>
    public LdpcFrameResult Reconcile(ReadOnlySpan<byte> alice, Span<byte> bob, double qber, double targetEfficiency, ulong frameSeed, SeededRandom aliceRandom, AuthenticatedChannel channel, int maxIterations = 100)
    {
        int n = CodeLength, d = Modulated;
        if (alice.Length != bob.Length || alice.Length > PayloadBits || alice.Length == 0)
        {
            throw new ArgumentException($"a frame carries 1 to {PayloadBits} payload bits, the same at both ends");
        }

        // A short (last) frame fills its empty payload positions with zeros both sides know: extra shortening.
        int used = alice.Length;

        double r0 = MotherRate;
        double rate = 1 - (targetEfficiency * BinaryEntropy.Of(Math.Max(qber, 1e-4)));
        int shortened = (int)Math.Clamp(Math.Ceiling((r0 - (rate * (1 - (d / (double)n)))) * n), 0, d);
        int punctured = d - shortened;

        var publicRng = new SeededRandom(frameSeed);
        var aliceWord = new byte[n];
        var bobWord = new byte[n];
        var llr = new double[n];
        var syndrome = new byte[_h.Checks];
        try
        {
            double channel0 = Math.Log((1 - qber) / qber);
            for (int i = 0; i < n; i++)
            {
                int pos = _layout[i];
                if (i < punctured)
                {
                    aliceWord[pos] = (byte)(aliceRandom.NextUInt64() & 1);
                    llr[pos] = 0;
                }
                else if (i < d)
                {
                    byte known = (byte)(publicRng.NextUInt64() & 1);
                    aliceWord[pos] = known;
                    llr[pos] = known == 0 ? 50 : -50;
                }
                else if (i - d < used)
                {
                    aliceWord[pos] = alice[i - d];
                    llr[pos] = bob[i - d] == 0 ? channel0 : -channel0;
                }
                else
                {
                    aliceWord[pos] = 0;
                    llr[pos] = 50;
                }
            }

            _h.Syndrome(aliceWord, syndrome);
            byte[] received = channel.Send(Party.Alice, BitPacking.Pack(syndrome.Length, c => syndrome[c] != 0));
            for (int c = 0; c < syndrome.Length; c++)
            {
                syndrome[c] = (byte)(BitPacking.Read(received, c) ? 1 : 0);
            }

            // Blind reconciliation (Martinez-Mateo, Elkouss, Martin, QIC 12, 2012): when decoding fails, Alice reveals
            // a slice of the punctured bits (they become shortened) and Bob tries again, until none are left.
            int revealed = 0, totalIterations = 0, slice = Math.Max(1, d / 20);
            int iterations = _decoder.Decode(llr, syndrome, bobWord, maxIterations);
            totalIterations += Math.Abs(iterations);
            while (iterations < 0 && revealed < punctured)
            {
                int count = Math.Min(slice, punctured - revealed);
                byte[] values = channel.Send(Party.Alice, BitPacking.Pack(count, j => aliceWord[_layout[revealed + j]] != 0));
                for (int j = 0; j < count; j++)
                {
                    llr[_layout[revealed + j]] = BitPacking.Read(values, j) ? -50 : 50;
                }

                revealed += count;
                iterations = _decoder.Decode(llr, syndrome, bobWord, maxIterations);
                totalIterations += Math.Abs(iterations);
            }

            bool success = iterations > 0;
            if (success)
            {
                for (int i = d; i < d + used; i++)
                {
                    bob[i - d] = bobWord[_layout[i]];
                }
            }

            return new LdpcFrameResult(success, _h.Checks - punctured + revealed, totalIterations, used, punctured - revealed, shortened + revealed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aliceWord);
            CryptographicOperations.ZeroMemory(bobWord);
            Array.Clear(llr);
        }
    }
}

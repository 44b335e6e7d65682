namespace VnQuantum.Qkd.PostProcessing.Ldpc;

/// <summary>
/// Syndrome decoding by belief propagation (sum–product in the log-likelihood domain): given the channel LLRs of Bob's
/// bits and Alice's syndrome, find the word x with H·x = s that Bob's bits most likely came from. The check update is
/// written in the φ domain, |m| = φ(Σ φ(|mⱼ|)) with φ(x) = −ln tanh(x/2) (its own inverse) and the sign the product of
/// the other signs times (1 − 2sᵢ), which is exactly 2·atanh(Π tanh(mⱼ/2)); φ comes from an interpolated table.
/// Decoding stops when the syndrome matches.
/// </summary>
internal sealed class BeliefPropagationDecoder(ParityCheckMatrix h)
{
    private const double Clamp = 40;
    private readonly double[] _toCheck = new double[h.CheckVariables.Length];
    private readonly double[] _toVariable = new double[h.CheckVariables.Length];
    private readonly double[] _phi = new double[h.CheckVariables.Length];

    /// <summary>Decodes into <paramref name="decision"/>. Returns the iterations used, positive when the syndrome
    /// was met and negative (−iterations) when it was not.</summary>
    public int Decode(ReadOnlySpan<double> channelLlr, ReadOnlySpan<byte> syndrome, Span<byte> decision, int maxIterations)
    {
        int n = h.Variables;
        for (int v = 0; v < n; v++)
        {
            for (int k = h.VariableStart[v]; k < h.VariableStart[v + 1]; k++)
            {
                _toCheck[h.VariableEdges[k]] = channelLlr[v];
            }
        }

        for (int iteration = 1; iteration <= maxIterations; iteration++)
        {
            for (int c = 0; c < h.Checks; c++)
            {
                int start = h.CheckStart[c], end = h.CheckStart[c + 1];
                double sum = 0;
                bool negative = syndrome[c] != 0;
                for (int e = start; e < end; e++)
                {
                    double m = _toCheck[e];
                    negative ^= m < 0;
                    double p = Phi.Of(Math.Abs(m));
                    _phi[e] = p;
                    sum += p;
                }

                for (int e = start; e < end; e++)
                {
                    double magnitude = Math.Min(Clamp, Phi.Of(Math.Max(0, sum - _phi[e])));
                    bool sign = negative ^ (_toCheck[e] < 0);
                    _toVariable[e] = sign ? -magnitude : magnitude;
                }
            }

            for (int v = 0; v < n; v++)
            {
                double total = channelLlr[v];
                int start = h.VariableStart[v], end = h.VariableStart[v + 1];
                for (int k = start; k < end; k++)
                {
                    total += _toVariable[h.VariableEdges[k]];
                }

                for (int k = start; k < end; k++)
                {
                    int e = h.VariableEdges[k];
                    _toCheck[e] = Math.Clamp(total - _toVariable[e], -Clamp, Clamp);
                }

                decision[v] = (byte)(total < 0 ? 1 : 0);
            }

            if (SyndromeMatches(decision, syndrome))
            {
                return iteration;
            }
        }

        return -maxIterations;
    }

    private bool SyndromeMatches(ReadOnlySpan<byte> x, ReadOnlySpan<byte> syndrome)
    {
        for (int c = 0; c < h.Checks; c++)
        {
            int parity = 0;
            for (int e = h.CheckStart[c]; e < h.CheckStart[c + 1]; e++)
            {
                parity ^= x[h.CheckVariables[e]];
            }

            if (parity != syndrome[c])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>φ(x) = −ln tanh(x/2) = ln((eˣ + 1)/(eˣ − 1)) by linear interpolation in a table; exact below the
    /// first step, where φ is steep.</summary>
    internal static class Phi
    {
        private const double Step = 1.0 / 512;
        private const double Max = 24;
        private static readonly double[] Table = Build();

        public static double Of(double x)
        {
            if (x < Step)
            {
                return x <= 1e-12 ? 2 * Clamp : Exact(x);
            }

            if (x >= Max)
            {
                return 0;
            }

            double position = x / Step;
            int i = (int)position;
            double frac = position - i;
            return Table[i] + ((Table[i + 1] - Table[i]) * frac);
        }

        public static double Exact(double x) => Math.Log((Math.Exp(x) + 1) / (Math.Exp(x) - 1));

        private static double[] Build()
        {
            int size = (int)(Max / Step) + 2;
            var table = new double[size];
            for (int i = 1; i < size; i++)
            {
                table[i] = Exact(i * Step);
            }

            table[0] = table[1];
            return table;
        }
    }
}

namespace VnQuantum.Qkd.PostProcessing.Ldpc;

/// <summary>
/// Syndrome decoding by belief propagation (sum–product in the log-likelihood domain): given the channel LLRs of Bob's
/// bits and Alice's syndrome, find the word x with H·x = s that Bob's bits most likely came from. The check update is
/// m = (1 − 2sᵢ)·2·atanh(Π tanh(mⱼ/2)) over the other edges; decoding stops when the syndrome matches.
/// </summary>
internal sealed class BeliefPropagationDecoder(ParityCheckMatrix h)
{
    private const double Clamp = 30;
    private readonly double[] _toCheck = new double[h.CheckVariables.Length];
    private readonly double[] _toVariable = new double[h.CheckVariables.Length];
    private readonly double[] _tanh = new double[h.CheckVariables.Length];

    /// <summary>Decodes in place into <paramref name="decision"/>; returns the iterations used, or −1 on failure.</summary>
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
            // Check nodes: leave-one-out product of tanh(m/2), by prefix and suffix products.
            for (int c = 0; c < h.Checks; c++)
            {
                int start = h.CheckStart[c], end = h.CheckStart[c + 1];
                double prefix = 1;
                for (int e = start; e < end; e++)
                {
                    _tanh[e] = Math.Tanh(Math.Clamp(_toCheck[e], -Clamp, Clamp) / 2);
                    _toVariable[e] = prefix;
                    prefix *= _tanh[e];
                }

                double sign = syndrome[c] == 0 ? 1 : -1;
                double suffix = 1;
                for (int e = end - 1; e >= start; e--)
                {
                    double product = Math.Clamp(_toVariable[e] * suffix, -0.999999999999, 0.999999999999);
                    _toVariable[e] = sign * 2 * Math.Atanh(product);
                    suffix *= _tanh[e];
                }
            }

            // Variable nodes: total belief, extrinsic messages, hard decision.
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
                    _toCheck[e] = total - _toVariable[e];
                }

                decision[v] = (byte)(total < 0 ? 1 : 0);
            }

            if (SyndromeMatches(decision, syndrome))
            {
                return iteration;
            }
        }

        return -1;
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
}

using VnQuantum.Randomness;

namespace VnQuantum.Qkd.PostProcessing.Ldpc;

/// <summary>
/// A sparse parity-check matrix H (m × n) stored both by check (row) and by variable (column), built at random from a
/// degree distribution: edge sockets are matched by a seeded shuffle, then repeated edges are swapped away so every
/// check sees a variable at most once.
/// </summary>
public sealed class ParityCheckMatrix
{
    private ParityCheckMatrix(int variables, int checks, int[] checkStart, int[] checkVariables)
    {
        Variables = variables;
        Checks = checks;
        CheckStart = checkStart;
        CheckVariables = checkVariables;
        VariableStart = new int[variables + 1];
        foreach (int v in checkVariables)
        {
            VariableStart[v + 1]++;
        }

        for (int v = 0; v < variables; v++)
        {
            VariableStart[v + 1] += VariableStart[v];
        }

        VariableEdges = new int[checkVariables.Length];
        var fill = (int[])VariableStart.Clone();
        for (int e = 0; e < checkVariables.Length; e++)
        {
            VariableEdges[fill[checkVariables[e]]++] = e;
        }
    }

    public int Variables { get; }

    public int Checks { get; }

    /// <summary>Edges of check c are CheckStart[c] … CheckStart[c+1]−1.</summary>
    internal int[] CheckStart { get; }

    /// <summary>The variable at the end of each edge (edges in check order).</summary>
    internal int[] CheckVariables { get; }

    /// <summary>Edges of variable v are VariableEdges[VariableStart[v] … VariableStart[v+1]−1].</summary>
    internal int[] VariableStart { get; }

    internal int[] VariableEdges { get; }

    /// <summary>Rate 1 − m/n of the code.</summary>
    public double Rate => 1 - (Checks / (double)Variables);

    /// <summary>A random matrix with <paramref name="variables"/> columns from <paramref name="ensemble"/>.</summary>
    public static ParityCheckMatrix Random(DegreeDistribution ensemble, int variables, ulong seed)
    {
        int[] varDegrees = DegreeDistribution.NodeDegrees(ensemble.Variable, variables);
        long edges = varDegrees.Sum(d => (long)d);
        double meanCheckDegree = 1 / ensemble.Check.Sum(kv => kv.Value / kv.Key);
        int checks = (int)Math.Round(edges / meanCheckDegree);
        int[] checkDegrees = DegreeDistribution.NodeDegrees(ensemble.Check, checks);

        // Make the check sockets match the variable sockets exactly.
        long diff = edges - checkDegrees.Sum(d => (long)d);
        for (int i = 0; diff != 0; i = (i + 1) % checks)
        {
            int step = Math.Sign(diff);
            if (checkDegrees[i] + step >= 2)
            {
                checkDegrees[i] += step;
                diff -= step;
            }
        }

        var sockets = new int[edges];
        int k = 0;
        for (int v = 0; v < variables; v++)
        {
            for (int j = 0; j < varDegrees[v]; j++)
            {
                sockets[k++] = v;
            }
        }

        var rng = new SeededRandom(seed);
        for (int i = sockets.Length - 1; i > 0; i--)
        {
            int j = (int)rng.NextInt64(i + 1);
            (sockets[i], sockets[j]) = (sockets[j], sockets[i]);
        }

        var checkStart = new int[checks + 1];
        for (int c = 0; c < checks; c++)
        {
            checkStart[c + 1] = checkStart[c] + checkDegrees[c];
        }

        // Swap away repeated variables within a check (a double edge cancels over GF(2)).
        var edgeCheck = new int[edges];
        for (int c = 0; c < checks; c++)
        {
            for (int e = checkStart[c]; e < checkStart[c + 1]; e++)
            {
                edgeCheck[e] = c;
            }
        }

        for (int pass = 0; pass < 20; pass++)
        {
            bool clean = true;
            for (int c = 0; c < checks; c++)
            {
                for (int e = checkStart[c]; e < checkStart[c + 1]; e++)
                {
                    for (int f = checkStart[c]; f < e; f++)
                    {
                        if (sockets[e] == sockets[f])
                        {
                            clean = false;
                            long other = rng.NextInt64(edges);
                            (sockets[e], sockets[other]) = (sockets[other], sockets[e]);
                        }
                    }
                }
            }

            if (clean)
            {
                break;
            }
        }

        return new ParityCheckMatrix(variables, checks, checkStart, sockets);
    }

    /// <summary>s = H·x over GF(2), into <paramref name="syndrome"/> (one byte per check, 0 or 1).</summary>
    public void Syndrome(ReadOnlySpan<byte> x, Span<byte> syndrome)
    {
        for (int c = 0; c < Checks; c++)
        {
            int parity = 0;
            for (int e = CheckStart[c]; e < CheckStart[c + 1]; e++)
            {
                parity ^= x[CheckVariables[e]];
            }

            syndrome[c] = (byte)parity;
        }
    }
}

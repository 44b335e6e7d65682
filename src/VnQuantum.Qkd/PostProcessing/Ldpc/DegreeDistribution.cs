namespace VnQuantum.Qkd.PostProcessing.Ldpc;

/// <summary>
/// An irregular LDPC ensemble in the edge perspective: λᵢ (ρᵢ) is the fraction of edges attached to variable (check)
/// nodes of degree i.
/// </summary>
public sealed record DegreeDistribution(double DesignRate, IReadOnlyDictionary<int, double> Variable, IReadOnlyDictionary<int, double> Check)
{
    /// <summary>
    /// Ensembles optimised for the binary symmetric channel: rates 0.5, 0.6, 0.7 and 0.8 from Martinez-Mateo, Elkouss
    /// and Martin, "Blind reconciliation", QIC 12 (2012), App. B (BSC thresholds 0.1026, 0.0745, 0.0502, 0.0289), and
    /// rate 0.9 from Elkouss et al., ISIT 2009, Table I (threshold 0.0109).
    /// </summary>
    public static IReadOnlyList<DegreeDistribution> Published { get; } =
    [
        new(0.5,
            new Dictionary<int, double> { [2] = 0.159673, [3] = 0.121875, [4] = 0.11261, [5] = 0.190871, [10] = 0.0770616, [25] = 0.337909 },
            new Dictionary<int, double> { [9] = 0.360479, [10] = 0.639521 }),
        new(0.6,
            new Dictionary<int, double> { [2] = 0.11653, [3] = 0.125646, [4] = 0.108507, [5] = 0.0534223, [7] = 0.0727228, [8] = 0.0347964, [9] = 0.0729986, [18] = 0.0752607, [32] = 0.117103, [45] = 0.223013 },
            new Dictionary<int, double> { [14] = 0.582731, [15] = 0.417269 }),
        new(0.7,
            new Dictionary<int, double> { [2] = 0.091699, [3] = 0.171401, [4] = 0.0683878, [5] = 0.120523, [11] = 0.187471, [28] = 0.208278, [30] = 0.152239 },
            new Dictionary<int, double> { [19] = 0.806453, [20] = 0.193547 }),
        new(0.8,
            new Dictionary<int, double> { [2] = 0.0667948, [3] = 0.194832, [4] = 0.0570523, [5] = 0.0645024, [9] = 0.204606, [15] = 0.0964409, [29] = 0.23872, [35] = 0.0770523 },
            new Dictionary<int, double> { [30] = 0.708874, [31] = 0.291126 }),

        // Elkouss, Leverrier, Alléaume, Boutros, ISIT 2009 (arXiv:0901.2140), Table I: rate 0.9, BSC threshold 0.0109.
        new(0.9,
            new Dictionary<int, double> { [2] = 0.07689, [3] = 0.28096, [5] = 0.08933, [9] = 0.19620, [12] = 0.30631, [21] = 0.05031 },
            new Dictionary<int, double> { [50] = 0.95025, [51] = 0.04975 }),
    ];

    /// <summary>How many of <paramref name="nodes"/> nodes get each degree (node perspective, Λᵢ ∝ λᵢ/i), largest
    /// remainders rounded up so the counts add up.</summary>
    internal static int[] NodeDegrees(IReadOnlyDictionary<int, double> edgeFractions, int nodes)
    {
        double norm = edgeFractions.Sum(kv => kv.Value / kv.Key);
        var degreesSorted = edgeFractions.Keys.OrderBy(d => d).ToArray();
        var counts = new int[degreesSorted.Length];
        var remainders = new double[degreesSorted.Length];
        for (int i = 0; i < degreesSorted.Length; i++)
        {
            double exact = nodes * (edgeFractions[degreesSorted[i]] / degreesSorted[i]) / norm;
            counts[i] = (int)Math.Floor(exact);
            remainders[i] = exact - counts[i];
        }

        int missing = nodes - counts.Sum();
        foreach (int i in Enumerable.Range(0, counts.Length).OrderByDescending(i => remainders[i]).Take(missing))
        {
            counts[i]++;
        }

        var degrees = new int[nodes];
        int k = 0;
        for (int i = 0; i < degreesSorted.Length; i++)
        {
            for (int j = 0; j < counts[i]; j++)
            {
                degrees[k++] = degreesSorted[i];
            }
        }

        return degrees;
    }
}

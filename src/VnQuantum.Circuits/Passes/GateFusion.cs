using System.Collections.Immutable;
using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.Passes;

/// <summary>
/// Gate fusion as qsim does it: runs of gates whose qubits together number at most <c>maxQubits</c> become one dense
/// matrix, so the state is swept once instead of once per gate. Measurements, resets, barriers, conditioned gates
/// and gates on more qubits are fences on their qubits.
/// </summary>
/// <remarks>
/// A block stays "open" while no later operation has touched any of its qubits; only open blocks merge, and a merged
/// block moves to the position of the newest gate, which is sound because nothing in between touched its qubits.
/// A block is kept as separate gates when the cost model says one dense sweep would be slower than the specialised
/// kernels (a lone CZ touches a quarter of the state; a dense 4×4 reads and writes all of it).
/// </remarks>
public static class GateFusion
{
    /// <summary>The largest block the engine's dense kernels take.</summary>
    public const int MaxFusedQubits = 5;

    /// <summary>Returns a circuit in which fusable runs are <see cref="UnitaryOperation"/>s; <paramref name="maxQubits"/> &lt; 1 returns the input.</summary>
    public static Circuit Fuse(Circuit circuit, int maxQubits)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        if (maxQubits < 1)
        {
            return circuit;
        }

        if (maxQubits > MaxFusedQubits)
        {
            throw new ArgumentOutOfRangeException(nameof(maxQubits), maxQubits, $"Fusion takes blocks of 1 to {MaxFusedQubits} qubits.");
        }

        return new Circuit(circuit.QuantumRegisters, circuit.ClassicalRegisters, FuseOperations(circuit.Operations, maxQubits), circuit.OpaqueGates);
    }

    private static ImmutableArray<Operation> FuseOperations(IEnumerable<Operation> input, int maxQubits)
    {
        var output = new List<object?>();
        var open = new Dictionary<int, Block>();

        void Close(IEnumerable<int> qubits)
        {
            foreach (int q in qubits)
            {
                if (open.TryGetValue(q, out var block))
                {
                    foreach (int b in block.Qubits)
                    {
                        open.Remove(b);
                    }
                }
            }
        }

        foreach (var op in input)
        {
            if (op is GateOperation gate && gate.Condition is null && StandardGates.Find(gate.GateName) is { } standard)
            {
                if (standard.Action == GateAction.Identity)
                {
                    continue;
                }

                if (gate.Qubits.Length <= maxQubits)
                {
                    var candidates = gate.Qubits.Where(open.ContainsKey).Select(q => open[q]).Distinct().ToList();
                    var chosen = ChooseMerge(candidates, gate.Qubits, maxQubits);
                    foreach (var c in candidates.Except(chosen))
                    {
                        Close(c.Qubits.ToArray());
                    }

                    // The largest chosen block takes the others in, so a long run of gates is not copied once per
                    // gate (which made 200,000 gates on three qubits take minutes). The chosen blocks share no qubit,
                    // so the order between their gates does not change the product.
                    var merged = chosen.Count == 0 ? new Block() : chosen.MaxBy(c => c.Gates.Count)!;
                    foreach (var c in chosen)
                    {
                        output[c.Index] = null;
                        if (c != merged)
                        {
                            merged.Gates.AddRange(c.Gates);
                            merged.Qubits.UnionWith(c.Qubits);
                            merged.Work += c.Work;
                        }
                    }

                    merged.Index = output.Count;
                    merged.Gates.Add(gate);
                    merged.Work += Cost(gate);
                    merged.Qubits.UnionWith(gate.Qubits);
                    output.Add(merged);
                    foreach (int q in merged.Qubits)
                    {
                        open[q] = merged;
                    }

                    continue;
                }
            }

            Close(op.Qubits);
            output.Add(op);
        }

        var operations = ImmutableArray.CreateBuilder<Operation>();
        foreach (var item in output)
        {
            switch (item)
            {
                case Operation op:
                    operations.Add(op);
                    break;
                case Block block:
                    Emit(block, operations);
                    break;
            }
        }

        return operations.ToImmutable();
    }

    /// <summary>
    /// Which open blocks on the gate's qubits it joins: all of them when their qubits together fit, else the subset
    /// that fits and carries the most work (cost, then gates). The others are closed. Joining only some is sound: a
    /// block left behind shares none of the chosen blocks' qubits (a gate on both would have merged or closed them),
    /// so the chosen ones may move past it to the new gate's place. Without it, a gate that could not join every
    /// block left the one-qubit gates before it as separate sweeps (153 of them on qsim's circuit_q24 at fusion 3).
    /// </summary>
    private static List<Block> ChooseMerge(List<Block> candidates, ImmutableArray<int> gateQubits, int maxQubits)
    {
        var all = new HashSet<int>(gateQubits);
        foreach (var c in candidates)
        {
            all.UnionWith(c.Qubits);
        }

        if (all.Count <= maxQubits)
        {
            return candidates;
        }

        var best = new List<Block>();
        double bestWork = -1;
        int bestGates = -1;
        for (int subset = 0; subset < 1 << candidates.Count; subset++)
        {
            var union = new HashSet<int>(gateQubits);
            double work = 0;
            int gates = 0;
            for (int i = 0; i < candidates.Count; i++)
            {
                if ((subset & (1 << i)) != 0)
                {
                    union.UnionWith(candidates[i].Qubits);
                    work += candidates[i].Work;
                    gates += candidates[i].Gates.Count;
                }
            }

            if (union.Count <= maxQubits && (work > bestWork || (work == bestWork && gates > bestGates)))
            {
                (bestWork, bestGates) = (work, gates);
                best = [.. candidates.Where((_, i) => (subset & (1 << i)) != 0)];
            }
        }

        return best;
    }

    /// <summary>
    /// Relative cost of one gate with the specialised kernels, in sweeps of the whole state (measured on this
    /// machine's kernels: see docs/benchmarks.md): phase and flip gates touch 2^-(controls+1) or 2^-controls of it.
    /// </summary>
    internal static double Cost(GateOperation gate)
    {
        var standard = StandardGates.Find(gate.GateName)!;
        double share = Math.Pow(0.5, standard.ControlCount);
        return standard.Action switch
        {
            GateAction.Identity => 0,
            GateAction.Phase => 0.5 * share,
            GateAction.Flip or GateAction.Swap or GateAction.Diagonal => share,
            _ => DenseCost(standard.TargetCount) * share,
        };
    }

    /// <summary>
    /// Cost of one dense k-qubit sweep in 1-qubit sweeps, from the 26-qubit ratio table in docs/benchmarks.md: with
    /// broadcast coefficients the 4×4 and 8×8 kernels stay near the memory floor (low targets included, through the
    /// transposing kernel); from 4 qubits on the 2^k complex multiply-adds per amplitude dominate.
    /// </summary>
    internal static double DenseCost(int k) => k switch
    {
        1 => 1.0,
        2 => 1.05,
        3 => 1.15,
        4 => 2.9,
        _ => 8.0,
    };

    /// <summary>
    /// One dense sweep where it beats the block's gates one by one; where it does not, the block's gates fused again
    /// in blocks of one qubit fewer, so a 5-qubit block that does not pay still yields the 4-qubit blocks that do
    /// (emitting its gates one by one gave qsim's circuit_q24 798 operations at fusion 5 against 179 at fusion 4).
    /// </summary>
    private static void Emit(Block block, ImmutableArray<Operation>.Builder operations)
    {
        double separate = block.Gates.Sum(Cost);
        if (block.Gates.Count == 1)
        {
            operations.AddRange(block.Gates);
            return;
        }

        if (separate <= DenseCost(block.Qubits.Count))
        {
            operations.AddRange(block.Qubits.Count > 2 ? FuseOperations(block.Gates, block.Qubits.Count - 1) : [.. block.Gates]);
            return;
        }

        var qubits = block.Qubits.ToImmutableArray();
        operations.Add(new UnitaryOperation(qubits, [.. BlockMatrix(qubits, block.Gates)], block.Gates.Count));
    }

    /// <summary>The product G_last ⋯ G_1 of the block's gates, on <paramref name="qubits"/> (matrix index bit i = qubits[i]).</summary>
    internal static Complex[] BlockMatrix(ImmutableArray<int> qubits, IReadOnlyList<GateOperation> gates)
    {
        int dim = 1 << qubits.Length;
        var m = new Complex[dim * dim];
        for (int i = 0; i < dim; i++)
        {
            m[(i * dim) + i] = 1;
        }

        var column = new Complex[dim];
        foreach (var gate in gates)
        {
            var g = StandardGates.Find(gate.GateName)!.FullMatrix(gate.Parameters);
            int k = gate.Qubits.Length;
            int gdim = 1 << k;
            var positions = gate.Qubits.Select(q => qubits.IndexOf(q)).ToArray();
            var sub = new Complex[gdim];
            for (int c = 0; c < dim; c++)
            {
                for (int r = 0; r < dim; r++)
                {
                    column[r] = m[(r * dim) + c];
                }

                // Apply g to this column, group by group (the other bits fixed).
                for (int rowBase = 0; rowBase < dim; rowBase++)
                {
                    bool isBase = positions.All(p => ((rowBase >> p) & 1) == 0);
                    if (!isBase)
                    {
                        continue;
                    }

                    for (int s = 0; s < gdim; s++)
                    {
                        sub[s] = column[Spread(rowBase, s, positions)];
                    }

                    for (int r = 0; r < gdim; r++)
                    {
                        Complex acc = 0;
                        for (int s = 0; s < gdim; s++)
                        {
                            acc += g[(r * gdim) + s] * sub[s];
                        }

                        m[(Spread(rowBase, r, positions) * dim) + c] = acc;
                    }
                }
            }
        }

        return m;
    }

    private static int Spread(int baseIndex, int local, int[] positions)
    {
        int index = baseIndex;
        for (int b = 0; b < positions.Length; b++)
        {
            index |= ((local >> b) & 1) << positions[b];
        }

        return index;
    }

    private sealed class Block
    {
        public int Index { get; set; }

        public List<GateOperation> Gates { get; } = [];

        public SortedSet<int> Qubits { get; } = [];

        /// <summary>The sum of <see cref="Cost"/> over <see cref="Gates"/>, kept as gates join (a sum per join made a run of n gates on one qubit cost n²).</summary>
        public double Work { get; set; }
    }
}

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

        foreach (var op in circuit.Operations)
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
                    var union = new SortedSet<int>(gate.Qubits);
                    foreach (var c in candidates)
                    {
                        union.UnionWith(c.Qubits);
                    }

                    if (union.Count <= maxQubits)
                    {
                        var merged = new Block { Index = output.Count };
                        foreach (var c in candidates.OrderBy(c => c.Index))
                        {
                            merged.Gates.AddRange(c.Gates);
                            output[c.Index] = null;
                        }

                        merged.Gates.Add(gate);
                        merged.Qubits.UnionWith(union);
                        output.Add(merged);
                        foreach (int q in union)
                        {
                            open[q] = merged;
                        }

                        continue;
                    }

                    Close(gate.Qubits);
                    var fresh = new Block { Index = output.Count };
                    fresh.Gates.Add(gate);
                    fresh.Qubits.UnionWith(gate.Qubits);
                    output.Add(fresh);
                    foreach (int q in gate.Qubits)
                    {
                        open[q] = fresh;
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

        return new Circuit(circuit.QuantumRegisters, circuit.ClassicalRegisters, operations.ToImmutable(), circuit.OpaqueGates);
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

    private static void Emit(Block block, ImmutableArray<Operation>.Builder operations)
    {
        double separate = block.Gates.Sum(Cost);
        if (block.Gates.Count == 1 || separate <= DenseCost(block.Qubits.Count))
        {
            operations.AddRange(block.Gates);
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
        public int Index { get; init; }

        public List<GateOperation> Gates { get; } = [];

        public SortedSet<int> Qubits { get; } = [];
    }
}

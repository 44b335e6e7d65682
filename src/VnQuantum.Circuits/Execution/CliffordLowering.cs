using System.Collections.Immutable;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Execution;

/// <summary>
/// Lowers a circuit to the stabilizer engine's <see cref="CliffordProgram"/>: gates recognised as Cliffords by name
/// or by their matrix (so sx, rz(π/2), u3 at Clifford angles, iswap, ecr all count), measurements as records,
/// conditions as conditionals on the records that last wrote each bit, and Pauli noise as Pauli channels.
/// </summary>
internal static class CliffordLowering
{
    /// <summary>The lowered program and, for each classical bit, the record that last wrote it (−1 if none).</summary>
    public sealed record Lowered(CliffordProgram Program, int[] ClbitRecords);

    /// <summary>Lowers <paramref name="circuit"/>, or returns why it cannot run on the stabilizer engine (naming the gate and its line).</summary>
    public static Lowered? TryLower(Circuit circuit, NoiseModel? noise, out string? obstacle)
    {
        if (circuit.QubitCount == 0)
        {
            // A tableau needs a qubit; a classical-only program (or an empty file) is reported, not a crash.
            obstacle = "the program declares no qubits";
            return null;
        }

        var instructions = new List<CliffordInstruction>();
        var clbitRecords = Enumerable.Repeat(-1, circuit.ClbitCount).ToArray();
        var detectors = new List<DetectorDefinition>();
        var observables = new SortedDictionary<int, List<int>>();
        int records = 0;
        for (int i = 0; i < circuit.Operations.Length; i++)
        {
            var op = circuit.Operations[i];
            string Where() => circuit.LocationOf(i) is { } at ? $" at {at}" : string.Empty;
            var body = new List<CliffordInstruction>();
            switch (op)
            {
                case BarrierOperation:
                    continue;
                case DetectorOperation detector:
                    if (!TryRecords(detector, clbitRecords, circuit, out var detectorRecords, out obstacle))
                    {
                        return null;
                    }

                    detectors.Add(new DetectorDefinition(detectorRecords, detector.Coordinates, detector.Basis));
                    continue;
                case ObservableOperation observable:
                    if (!TryRecords(observable, clbitRecords, circuit, out var observableRecords, out obstacle))
                    {
                        return null;
                    }

                    if (!observables.TryGetValue(observable.Index, out var list))
                    {
                        observables[observable.Index] = list = [];
                    }

                    list.AddRange(observableRecords);
                    continue;
                case GateOperation gate:
                    if (!TryGate(gate, body))
                    {
                        obstacle = $"'{GateText(gate)}' on {string.Join(",", gate.Qubits.Select(circuit.QubitName))}{Where()} is not a Clifford gate";
                        return null;
                    }

                    break;
                case MeasureOperation m:
                    if (m.Condition is not null)
                    {
                        obstacle = $"a conditioned measure{Where()} is not supported by the stabilizer method";
                        return null;
                    }

                    if (!TryNoise(noise, op, body, out obstacle, Where()))
                    {
                        return null;
                    }

                    var readout = noise?.Readout.GetValueOrDefault(m.Qubit);
                    body.Add(new CliffordInstruction(CliffordKind.Measure, m.Qubit)
                    {
                        Record = records,
                        FlipZeroToOne = readout?.ZeroToOne ?? 0,
                        FlipOneToZero = readout?.OneToZero ?? 0,
                    });
                    clbitRecords[m.Clbit] = records++;
                    instructions.AddRange(body);
                    continue;
                case ResetOperation r:
                    if (r.Condition is not null)
                    {
                        obstacle = $"a conditioned reset{Where()} is not supported by the stabilizer method";
                        return null;
                    }

                    body.Add(new CliffordInstruction(CliffordKind.Reset, r.Qubit));
                    break;
                case OpaqueOperation opaque:
                    obstacle = $"opaque gate '{opaque.GateName}'{Where()} has no definition";
                    return null;
                case UnitaryOperation unitary:
                    if (unitary.Qubits.Length > 2 || !CliffordDecomposition.TryDecompose(unitary.Matrix.AsSpan(), out var unitarySteps))
                    {
                        obstacle = $"the {unitary.Qubits.Length}-qubit unitary on {string.Join(",", unitary.Qubits.Select(circuit.QubitName))}{Where()} is not a Clifford gate";
                        return null;
                    }

                    foreach (var step in unitarySteps)
                    {
                        body.Add(new CliffordInstruction(step.Kind, unitary.Qubits[step.A], step.B >= 0 ? unitary.Qubits[step.B] : -1));
                    }

                    break;
                case DelayOperation:
                    break;
                case StructuredOperation or CopyBitsOperation or SetBitsOperation or ComputeBitsOperation:
                    obstacle = $"OpenQASM 3 run-time control flow ('{op.Name}'{Where()}) is not supported by the stabilizer method";
                    return null;
                default:
                    obstacle = $"'{op.Name}'{Where()} is not a Clifford operation";
                    return null;
            }

            if (!TryNoise(noise, op, body, out obstacle, Where()))
            {
                return null;
            }

            if (op.Condition is { } condition)
            {
                // The condition reads the records that last wrote the register's bits; a never-written bit reads 0.
                var conditions = new List<int>();
                ulong expected = 0;
                bool possible = condition.Value.Sign >= 0 && condition.Value.GetBitLength() <= condition.Register.Size;
                for (int b = 0; b < condition.Register.Size && possible; b++)
                {
                    bool want = !(condition.Value >> b).IsEven;
                    int record = clbitRecords[condition.Register.Offset + b];
                    if (record < 0)
                    {
                        possible &= !want;
                        continue;
                    }

                    if (conditions.Count == 64)
                    {
                        obstacle = $"'{op.Name}'{Where()} is conditioned on more than 64 measured bits";
                        return null;
                    }

                    expected |= (want ? 1UL : 0) << conditions.Count;
                    conditions.Add(record);
                }

                if (!possible)
                {
                    continue;
                }

                if (conditions.Count > 0)
                {
                    instructions.Add(new CliffordInstruction(CliffordKind.Conditional, -1) { Conditions = [.. conditions], ExpectedBits = expected, Body = [.. body] });
                    continue;
                }
            }

            instructions.AddRange(body);
        }

        obstacle = null;
        int observableCount = observables.Count == 0 ? 0 : observables.Keys.Max() + 1;
        var observableRecordSets = Enumerable.Range(0, observableCount)
            .Select(o => observables.TryGetValue(o, out var l) ? l.ToImmutableArray() : [])
            .ToImmutableArray();
        return new Lowered(new CliffordProgram(circuit.QubitCount, records, [.. instructions], [.. detectors], observableRecordSets), clbitRecords);
    }

    private static bool TryRecords(AnnotationOperation annotation, int[] clbitRecords, Circuit circuit, out ImmutableArray<int> records, out string? obstacle)
    {
        var list = ImmutableArray.CreateBuilder<int>();
        foreach (int c in annotation.MeasuredClbits)
        {
            if (clbitRecords[c] < 0)
            {
                records = default;
                obstacle = $"a {annotation.Name} names {circuit.ClbitName(c)} before anything was measured into it";
                return false;
            }

            list.Add(clbitRecords[c]);
        }

        records = list.ToImmutable();
        obstacle = null;
        return true;
    }

    /// <summary>True when every gate of the circuit is a Clifford (the first that is not is named in <paramref name="obstacle"/>).</summary>
    public static bool IsClifford(Circuit circuit, out string? obstacle) => TryLower(circuit, null, out obstacle) is not null;

    private static bool TryGate(GateOperation gate, List<CliffordInstruction> body)
    {
        var q = gate.Qubits;
        CliffordKind? direct = gate.GateName switch
        {
            "h" => CliffordKind.H,
            "s" => CliffordKind.S,
            "sdg" => CliffordKind.Sdg,
            "x" => CliffordKind.X,
            "y" => CliffordKind.Y,
            "z" => CliffordKind.Z,
            "cx" or "CX" => CliffordKind.CX,
            "cy" => CliffordKind.CY,
            "cz" => CliffordKind.CZ,
            "swap" => CliffordKind.Swap,
            _ => null,
        };
        if (direct is { } kind)
        {
            body.Add(new CliffordInstruction(kind, q[0], q.Length > 1 ? q[1] : -1));
            return true;
        }

        if (gate.GateName is "id" or "u0")
        {
            return true;
        }

        var standard = StandardGates.Find(gate.GateName);
        if (standard is null || standard.QubitCount > 2)
        {
            return false;
        }

        if (!CliffordDecomposition.TryDecompose(standard.FullMatrix(gate.Parameters), out var steps))
        {
            return false;
        }

        foreach (var step in steps)
        {
            body.Add(new CliffordInstruction(step.Kind, q[step.A], step.B >= 0 ? q[step.B] : -1));
        }

        return true;
    }

    private static bool TryNoise(NoiseModel? noise, Operation op, List<CliffordInstruction> body, out string? obstacle, string where)
    {
        obstacle = null;
        if (noise is null)
        {
            return true;
        }

        foreach (var (channel, qubits) in noise.ChannelsFor(op))
        {
            if (!channel.IsPauliChannel)
            {
                obstacle = $"the noise channel {channel.Name} on '{op.Name}'{where} is not a Pauli channel";
                return false;
            }

            body.Add(new CliffordInstruction(CliffordKind.PauliChannel, qubits[0], qubits.Length > 1 ? qubits[1] : -1)
            {
                Probabilities = channel.PauliProbabilities,
            });
        }

        return true;
    }

    private static string GateText(GateOperation gate) =>
        gate.Parameters.IsEmpty ? gate.GateName : $"{gate.GateName}({string.Join(",", gate.Parameters.Select(p => p.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))})";

    /// <summary>Turns the records of one shot into classical bits.</summary>
    public static void ToClbits(int[] clbitRecords, Func<int, bool> record, Span<bool> clbits)
    {
        for (int c = 0; c < clbitRecords.Length; c++)
        {
            clbits[c] = clbitRecords[c] >= 0 && record(clbitRecords[c]);
        }
    }
}

using System.Collections.Immutable;
using VnQuantum.Randomness;

namespace VnQuantum.Simulation.Stabilizer;

/// <summary>What one <see cref="CliffordInstruction"/> does.</summary>
public enum CliffordKind
{
    H,
    S,
    Sdg,
    X,
    Y,
    Z,
    CX,
    CY,
    CZ,
    Swap,

    /// <summary>Z-basis measurement of A into record <see cref="CliffordInstruction.Record"/>, read out wrongly with the instruction's flip probabilities.</summary>
    Measure,

    /// <summary>Reset of A to |0⟩.</summary>
    Reset,

    /// <summary>A Pauli channel on A (or A and B): <see cref="CliffordInstruction.Probabilities"/> indexed as <see cref="Noise.KrausChannel.PauliProbabilities"/>.</summary>
    PauliChannel,

    /// <summary>
    /// Runs <see cref="CliffordInstruction.Body"/> only when the records in <see cref="CliffordInstruction.Conditions"/>
    /// read <see cref="CliffordInstruction.ExpectedBits"/> (bit i for condition record i).
    /// </summary>
    Conditional,
}

/// <summary>One step of a <see cref="CliffordProgram"/>.</summary>
public sealed record CliffordInstruction(CliffordKind Kind, int A, int B = -1)
{
    /// <summary>The measurement record a <see cref="CliffordKind.Measure"/> writes.</summary>
    public int Record { get; init; } = -1;

    /// <summary>P(read 1 | state 0) and P(read 0 | state 1) of a measurement.</summary>
    public double FlipZeroToOne { get; init; }

    public double FlipOneToZero { get; init; }

    public ImmutableArray<double> Probabilities { get; init; } = [];

    public ImmutableArray<int> Conditions { get; init; } = [];

    public ulong ExpectedBits { get; init; }

    public ImmutableArray<CliffordInstruction> Body { get; init; } = [];

    /// <summary>True for the gates that only flip signs (X, Y, Z), which Pauli frames may take under a condition.</summary>
    public bool IsPauliGate => Kind is CliffordKind.X or CliffordKind.Y or CliffordKind.Z;
}

/// <summary>
/// A detector: the parity of these measurement records is the same in every noiseless run, so a change is the
/// signature of an error. <see cref="Basis"/> ('X' or 'Z') is the stabilizer type it checks, which lets a matching
/// decoder keep the X and Z parts of the error model apart.
/// </summary>
public sealed record DetectorDefinition(ImmutableArray<int> Records, ImmutableArray<double> Coordinates, char Basis = 'Z');

/// <summary>
/// A Clifford circuit with Pauli noise and classical feedback, in the engine's own terms (qubit indices, measurement
/// record indices): what the tableau runs one shot at a time and the Pauli-frame sampler runs in bulk.
/// </summary>
public sealed class CliffordProgram
{
    public CliffordProgram(
        int qubitCount,
        int recordCount,
        ImmutableArray<CliffordInstruction> instructions,
        ImmutableArray<DetectorDefinition> detectors = default,
        ImmutableArray<ImmutableArray<int>> observables = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qubitCount);
        QubitCount = qubitCount;
        RecordCount = recordCount;
        Instructions = instructions;
        Detectors = detectors.IsDefault ? [] : detectors;
        Observables = observables.IsDefault ? [] : observables;
        Validate(instructions);
        foreach (int r in Detectors.SelectMany(d => d.Records).Concat(Observables.SelectMany(o => o)))
        {
            if ((uint)r >= (uint)recordCount)
            {
                throw new ArgumentException($"A detector or observable names record {r}; the program has {recordCount}.");
            }
        }
    }

    /// <summary>The detectors, each a set of records whose parity is fixed without noise.</summary>
    public ImmutableArray<DetectorDefinition> Detectors { get; }

    /// <summary>The logical observables, each a set of records whose parity is the logical measurement.</summary>
    public ImmutableArray<ImmutableArray<int>> Observables { get; }

    public int QubitCount { get; }

    /// <summary>Number of measurement results one shot produces.</summary>
    public int RecordCount { get; }

    public ImmutableArray<CliffordInstruction> Instructions { get; }

    /// <summary>
    /// Null when the Pauli-frame sampler can run the program; otherwise why not (a condition on more than one record,
    /// or a non-Pauli gate under a condition), so that the caller can fall back to the tableau and say so.
    /// </summary>
    public string? FrameSamplingObstacle()
    {
        foreach (var op in Instructions)
        {
            if (op.Kind != CliffordKind.Conditional)
            {
                continue;
            }

            if (op.Conditions.Length != 1)
            {
                return $"a condition reads {op.Conditions.Length} measurement results; Pauli frames take feedback from one";
            }

            var offending = op.Body.FirstOrDefault(b => !b.IsPauliGate);
            if (offending is not null)
            {
                return $"a conditioned {offending.Kind} is not a Pauli; Pauli frames take only Pauli feedback";
            }
        }

        return null;
    }

    /// <summary>
    /// Runs one shot on <paramref name="tableau"/> (which must start in |0…0⟩), writing the records; noise and readout
    /// errors are sampled. Without a generator it runs the noiseless reference shot: every random outcome reads 0.
    /// </summary>
    public void RunShot(StabilizerTableau tableau, Span<bool> records, SeededRandom? random)
    {
        ArgumentNullException.ThrowIfNull(tableau);
        foreach (var op in Instructions)
        {
            Execute(op, tableau, records, random);
        }
    }

    /// <summary>
    /// One shot from |0…0⟩: the same records as <see cref="RunShot(StabilizerTableau, Span{bool}, SeededRandom?)"/>
    /// on a fresh tableau, bit for bit for the same generator, but run on the inverse tableau (Stim's way), where a
    /// determined measurement costs O(n/64) instead of O(n²/64).
    /// </summary>
    public void RunShot(Span<bool> records, SeededRandom? random)
    {
        var state = new InverseTableau(QubitCount);
        foreach (var op in Instructions)
        {
            Execute(op, state, records, random);
        }
    }

    internal static void Execute(CliffordInstruction op, ICliffordState t, Span<bool> records, SeededRandom? random)
    {
        switch (op.Kind)
        {
            case CliffordKind.H: t.H(op.A); break;
            case CliffordKind.S: t.S(op.A); break;
            case CliffordKind.Sdg: t.Sdg(op.A); break;
            case CliffordKind.X: t.PauliX(op.A); break;
            case CliffordKind.Y: t.PauliY(op.A); break;
            case CliffordKind.Z: t.PauliZ(op.A); break;
            case CliffordKind.CX: t.CX(op.A, op.B); break;
            case CliffordKind.CY: t.CY(op.A, op.B); break;
            case CliffordKind.CZ: t.CZ(op.A, op.B); break;
            case CliffordKind.Swap: t.Swap(op.A, op.B); break;
            case CliffordKind.Measure:
                {
                    bool one = Measure(t, op.A, random);
                    if (random is not null)
                    {
                        double flip = one ? op.FlipOneToZero : op.FlipZeroToOne;
                        if (flip > 0 && random.NextDouble() < flip)
                        {
                            one = !one;
                        }
                    }

                    records[op.Record] = one;
                    break;
                }

            case CliffordKind.Reset:
                if (Measure(t, op.A, random))
                {
                    t.PauliX(op.A);
                }

                break;
            case CliffordKind.PauliChannel:
                if (random is not null)
                {
                    int pauli = PauliFrameSampler.DrawPauli(op.Probabilities.AsSpan(), random.NextDouble());
                    ApplyPauli(t, op.A, pauli & 3);
                    if (op.B >= 0)
                    {
                        ApplyPauli(t, op.B, (pauli >> 2) & 3);
                    }
                }

                break;
            case CliffordKind.Conditional:
                {
                    ulong value = 0;
                    for (int i = 0; i < op.Conditions.Length; i++)
                    {
                        value |= (records[op.Conditions[i]] ? 1UL : 0) << i;
                    }

                    if (value == op.ExpectedBits)
                    {
                        foreach (var inner in op.Body)
                        {
                            Execute(inner, t, records, random);
                        }
                    }

                    break;
                }

            default:
                throw new InvalidOperationException($"Unknown instruction {op.Kind}.");
        }
    }

    private static bool Measure(ICliffordState t, int q, SeededRandom? random) =>
        random is null ? t.MeasureZ(q, static () => false) == 1 : t.MeasureZ(q, random) == 1;

    /// <summary>Applies the Pauli coded as 2 bits (x, z): 1 = X, 2 = Z, 3 = Y.</summary>
    private static void ApplyPauli(ICliffordState t, int q, int code)
    {
        switch (code)
        {
            case 1: t.PauliX(q); break;
            case 2: t.PauliZ(q); break;
            case 3: t.PauliY(q); break;
        }
    }

    private void Validate(ImmutableArray<CliffordInstruction> instructions)
    {
        foreach (var op in instructions)
        {
            if (op.Kind == CliffordKind.Conditional)
            {
                if (op.Conditions.Length is 0 or > 64 || op.Conditions.Any(c => (uint)c >= (uint)RecordCount))
                {
                    throw new ArgumentException("A conditional instruction needs 1 to 64 condition records, each an existing record.");
                }

                Validate(op.Body);
                continue;
            }

            if ((uint)op.A >= (uint)QubitCount || (op.B >= 0 && (op.B >= QubitCount || op.B == op.A)))
            {
                throw new ArgumentException($"Instruction {op.Kind} names qubits {op.A},{op.B}; the program has {QubitCount}.");
            }

            if (op.Kind == CliffordKind.Measure && (uint)op.Record >= (uint)RecordCount)
            {
                throw new ArgumentException($"A measurement writes record {op.Record}; the program has {RecordCount}.");
            }

            if (op.Kind == CliffordKind.PauliChannel && op.Probabilities.Length != (op.B >= 0 ? 16 : 4))
            {
                throw new ArgumentException("A Pauli channel needs 4 (one qubit) or 16 (two qubits) probabilities.");
            }
        }
    }
}

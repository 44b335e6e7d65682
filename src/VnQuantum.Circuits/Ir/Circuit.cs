using System.Collections.Immutable;

namespace VnQuantum.Circuits.Ir;

/// <summary>A named register: <see cref="Offset"/> is the index of its element 0 among all qubits (or all classical bits).</summary>
public sealed record Register(string Name, int Size, int Offset)
{
    public override string ToString() => $"{Name}[{Size}]";
}

/// <summary>Where an operation came from in the program text, for messages that point at it.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// An immutable circuit: flat qubit and classical-bit index spaces, registers naming slices of them, and a list of
/// operations. User gate definitions are already inlined, so every gate is one of the built-in gates (or a fused
/// <see cref="UnitaryOperation"/>, or an <see cref="OpaqueOperation"/>, which can be written but not simulated).
/// </summary>
/// <remarks>
/// Designed to grow into OpenQASM 3: <see cref="Condition"/> becomes a classical expression, and structured
/// operations (if/else blocks, for, while, subroutine calls) join <see cref="Operation"/> as new subtypes holding
/// nested operation lists, without changing the existing ones.
/// </remarks>
public sealed class Circuit
{
    private readonly ImmutableArray<SourceLocation?> _locations;
    private int? _depth;

    public Circuit(
        ImmutableArray<Register> quantumRegisters,
        ImmutableArray<Register> classicalRegisters,
        ImmutableArray<Operation> operations,
        ImmutableArray<OpaqueDeclaration> opaqueGates = default,
        ImmutableArray<SourceLocation?> locations = default,
        int scratchClbits = 0)
    {
        QuantumRegisters = quantumRegisters;
        ClassicalRegisters = classicalRegisters;
        Operations = operations;
        OpaqueGates = opaqueGates.IsDefault ? [] : opaqueGates;
        _locations = !locations.IsDefault && locations.Length == operations.Length ? locations : [];
        QubitCount = quantumRegisters.Sum(r => r.Size);
        ClbitCount = classicalRegisters.Sum(r => r.Size) + scratchClbits;
        ScratchClbitCount = scratchClbits;
    }

    public ImmutableArray<Register> QuantumRegisters { get; }

    public ImmutableArray<Register> ClassicalRegisters { get; }

    public ImmutableArray<Operation> Operations { get; }

    /// <summary>Opaque gates the program declared (written back by the writer; not executable).</summary>
    public ImmutableArray<OpaqueDeclaration> OpaqueGates { get; }

    public int QubitCount { get; }

    /// <summary>Where operation <paramref name="index"/> was written, when the circuit came from program text.</summary>
    public SourceLocation? LocationOf(int index) => index < _locations.Length ? _locations[index] : null;

    /// <summary>Classical bits in registers, then <see cref="ScratchClbitCount"/> unnamed ones (a subroutine's locals), which the counts leave out.</summary>
    public int ClbitCount { get; }

    public int ScratchClbitCount { get; }

    /// <summary>
    /// The length of the longest path through the circuit, as Qiskit counts it: barriers do not count, a measurement
    /// occupies its qubit and its classical bit, a condition reads every bit of its register.
    /// </summary>
    public int Depth => _depth ??= ComputeDepth();

    /// <summary>How many times each operation name occurs (gates by name, and measure, reset, barrier).</summary>
    public IReadOnlyDictionary<string, int> CountOperations()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var op in Operations)
        {
            counts[op.Name] = counts.GetValueOrDefault(op.Name) + 1;
        }

        return counts;
    }

    /// <summary>The register and index of a flat qubit, e.g. "q[3]".</summary>
    public string QubitName(int qubit) => Name(QuantumRegisters, qubit);

    /// <summary>The register and index of a flat classical bit, e.g. "c[0]".</summary>
    public string ClbitName(int clbit) => Name(ClassicalRegisters, clbit);

    /// <summary>True when no operation after a measurement touches the measured qubit and nothing is conditioned or reset.</summary>
    public bool HasOnlyTerminalMeasurements()
    {
        var measured = new bool[QubitCount];
        foreach (var op in Operations)
        {
            if (op.Condition is not null || op is ResetOperation or StructuredOperation or CopyBitsOperation or SetBitsOperation or ComputeBitsOperation)
            {
                return false;
            }

            switch (op)
            {
                case MeasureOperation m:
                    measured[m.Qubit] = true;
                    break;
                case BarrierOperation:
                    break;
                default:
                    foreach (int q in op.Qubits)
                    {
                        if (measured[q])
                        {
                            return false;
                        }
                    }

                    break;
            }
        }

        return true;
    }

    private static string Name(ImmutableArray<Register> registers, int index)
    {
        foreach (var r in registers)
        {
            if (index >= r.Offset && index < r.Offset + r.Size)
            {
                return $"{r.Name}[{index - r.Offset}]";
            }
        }

        return $"#{index}";
    }

    private int ComputeDepth()
    {
        var qubitLevel = new int[QubitCount];
        var clbitLevel = new int[ClbitCount];
        int depth = 0;
        foreach (var op in Operations)
        {
            if (op is BarrierOperation)
            {
                continue;
            }

            int level = 0;
            foreach (int q in op.Qubits)
            {
                level = Math.Max(level, qubitLevel[q]);
            }

            var clbits = op.Clbits.ToList();
            if (op.Condition is { } condition)
            {
                clbits.AddRange(Enumerable.Range(condition.Register.Offset, condition.Register.Size));
            }

            foreach (int c in clbits)
            {
                level = Math.Max(level, clbitLevel[c]);
            }

            level++;
            foreach (int q in op.Qubits)
            {
                qubitLevel[q] = level;
            }

            foreach (int c in clbits)
            {
                clbitLevel[c] = level;
            }

            depth = Math.Max(depth, level);
        }

        return depth;
    }
}

/// <summary>An opaque gate declaration: a name and its shape, with no body.</summary>
public sealed record OpaqueDeclaration(string Name, int ParameterCount, int QubitCount);

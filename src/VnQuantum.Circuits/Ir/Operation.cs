using System.Collections.Immutable;
using System.Numerics;

namespace VnQuantum.Circuits.Ir;

/// <summary>OpenQASM 2's <c>if (creg == value)</c>: the operation runs only when the register reads <see cref="Value"/>.</summary>
public sealed record Condition(Register Register, ulong Value);

/// <summary>One step of a circuit.</summary>
public abstract record Operation
{
    private protected Operation(Condition? condition) => Condition = condition;

    /// <summary>The name Qiskit's <c>count_ops</c> would use.</summary>
    public abstract string Name { get; }

    public abstract ImmutableArray<int> Qubits { get; }

    public virtual IEnumerable<int> Clbits => [];

    public Condition? Condition { get; }
}

/// <summary>A named gate applied to qubits with its parameters already evaluated (radians).</summary>
public abstract record GateCallOperation : Operation
{
    private protected GateCallOperation(string gateName, ImmutableArray<double> parameters, ImmutableArray<int> qubits, Condition? condition)
        : base(condition)
    {
        GateName = gateName;
        Parameters = parameters;
        QubitList = qubits;
    }

    public string GateName { get; }

    public ImmutableArray<double> Parameters { get; }

    private ImmutableArray<int> QubitList { get; }

    public override string Name => GateName;

    public override ImmutableArray<int> Qubits => QubitList;
}

/// <summary>A built-in gate (qelib1.inc, U or CX) applied to qubits.</summary>
public sealed record GateOperation : GateCallOperation
{
    public GateOperation(string gateName, ImmutableArray<double> parameters, ImmutableArray<int> qubits, Condition? condition = null)
        : base(gateName, parameters, qubits, condition)
    {
    }
}

/// <summary>An application of a declared opaque gate: it has no definition, so it cannot be simulated.</summary>
public sealed record OpaqueOperation : GateCallOperation
{
    public OpaqueOperation(string gateName, ImmutableArray<double> parameters, ImmutableArray<int> qubits, Condition? condition = null)
        : base(gateName, parameters, qubits, condition)
    {
    }
}

/// <summary>A dense unitary on a few qubits (matrix index bit i is Qubits[i]), as produced by gate fusion.</summary>
public sealed record UnitaryOperation : Operation
{
    public UnitaryOperation(ImmutableArray<int> qubits, ImmutableArray<Complex> matrix, int fusedGateCount)
        : base((Condition?)null)
    {
        QubitList = qubits;
        Matrix = matrix;
        FusedGateCount = fusedGateCount;
    }

    public ImmutableArray<Complex> Matrix { get; }

    public int FusedGateCount { get; }

    private ImmutableArray<int> QubitList { get; }

    public override string Name => "unitary";

    public override ImmutableArray<int> Qubits => QubitList;
}

/// <summary>A Z-basis measurement of one qubit into one classical bit.</summary>
public sealed record MeasureOperation : Operation
{
    public MeasureOperation(int qubit, int clbit, Condition? condition = null)
        : base(condition)
    {
        Qubit = qubit;
        Clbit = clbit;
    }

    public int Qubit { get; }

    public int Clbit { get; }

    public override string Name => "measure";

    public override ImmutableArray<int> Qubits => [Qubit];

    public override IEnumerable<int> Clbits => [Clbit];
}

/// <summary>Resets one qubit to |0⟩.</summary>
public sealed record ResetOperation : Operation
{
    public ResetOperation(int qubit, Condition? condition = null)
        : base(condition) => Qubit = qubit;

    public int Qubit { get; }

    public override string Name => "reset";

    public override ImmutableArray<int> Qubits => [Qubit];
}

/// <summary>A barrier: no effect on the state, a fence for optimisation passes.</summary>
public sealed record BarrierOperation : Operation
{
    public BarrierOperation(ImmutableArray<int> qubits)
        : base((Condition?)null) => QubitList = qubits;

    private ImmutableArray<int> QubitList { get; }

    public override string Name => "barrier";

    public override ImmutableArray<int> Qubits => QubitList;
}

/// <summary>
/// An error-correction annotation: it does nothing to the state, and names measurement results (by the classical
/// bits they were written to, as those bits stand at this point) whose parity means something.
/// </summary>
public abstract record AnnotationOperation : Operation
{
    private protected AnnotationOperation(ImmutableArray<int> measuredClbits)
        : base((Condition?)null) => MeasuredClbits = measuredClbits;

    /// <summary>The classical bits whose latest measurement results take part.</summary>
    public ImmutableArray<int> MeasuredClbits { get; }

    public override ImmutableArray<int> Qubits => [];
}

/// <summary>
/// A detector, as Stim's DETECTOR: the parity of these measurement results is 0 in every noiseless run, so a 1 is
/// the signature of an error. <see cref="Coordinates"/> (space, then time) are for decoders and plots;
/// <see cref="Basis"/> ('X' or 'Z') says which stabilizer type it checks.
/// </summary>
public sealed record DetectorOperation : AnnotationOperation
{
    public DetectorOperation(ImmutableArray<int> measuredClbits, ImmutableArray<double> coordinates, char basis = 'Z')
        : base(measuredClbits)
    {
        Coordinates = coordinates;
        Basis = basis;
    }

    public ImmutableArray<double> Coordinates { get; }

    public char Basis { get; }

    public override string Name => "detector";
}

/// <summary>Adds measurement results to logical observable <see cref="Index"/>, as Stim's OBSERVABLE_INCLUDE.</summary>
public sealed record ObservableOperation : AnnotationOperation
{
    public ObservableOperation(int index, ImmutableArray<int> measuredClbits)
        : base(measuredClbits) => Index = index;

    public int Index { get; }

    public override string Name => "observable_include";
}

using System.Collections.Immutable;
using System.Numerics;

namespace VnQuantum.Circuits.Ir;

/// <summary>
/// OpenQASM 2's <c>if (creg == value)</c>: the operation runs only when the register reads <see cref="Value"/>. The
/// value is arbitrary-size, as registers are (QASMBench's cc_n151 compares a 151-bit register with 2^150).
/// </summary>
public sealed record Condition(Register Register, BigInteger Value)
{
    /// <summary>Whether the register reads <see cref="Value"/> in these classical bits.</summary>
    public bool Holds(ReadOnlySpan<bool> clbits) => ClassicalBits.CompareWith(clbits, Register.Offset, Register.Size, Value) == 0;
}

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

/// <summary>A test on measured classical bits, evaluated each shot at run time (OpenQASM 3's if and while).</summary>
public abstract record ClassicalCondition
{
    /// <summary>Evaluates against the current classical bits.</summary>
    public abstract bool Evaluate(ReadOnlySpan<bool> clbits);

    /// <summary>Every classical bit the test reads.</summary>
    public abstract IEnumerable<int> Clbits { get; }
}

/// <summary>
/// Compares the unsigned integer formed by <see cref="Bits"/> (Bits[0] least significant) with <see cref="Value"/>:
/// one of == != &lt; &lt;= &gt; &gt;=. Registers and values of any width compare exactly.
/// </summary>
public sealed record CompareCondition(ImmutableArray<int> Bits, string Operator, BigInteger Value) : ClassicalCondition
{
    public override IEnumerable<int> Clbits => Bits;

    public override bool Evaluate(ReadOnlySpan<bool> clbits) => ClassicalBits.Test(ClassicalBits.CompareWith(clbits, Bits.AsSpan(), Value), Operator);
}

/// <summary>
/// Compares two measured registers as unsigned integers (<c>if (cr &gt; cr2)</c>): <see cref="Left"/> and
/// <see cref="Right"/> are their bits, least significant first, of any widths.
/// </summary>
public sealed record RegisterCompareCondition(ImmutableArray<int> Left, string Operator, ImmutableArray<int> Right) : ClassicalCondition
{
    public override IEnumerable<int> Clbits => Left.Concat(Right);

    public override bool Evaluate(ReadOnlySpan<bool> clbits) => ClassicalBits.Test(ClassicalBits.Compare(clbits, Left.AsSpan(), Right.AsSpan()), Operator);
}

public sealed record NotCondition(ClassicalCondition Operand) : ClassicalCondition
{
    public override IEnumerable<int> Clbits => Operand.Clbits;

    public override bool Evaluate(ReadOnlySpan<bool> clbits) => !Operand.Evaluate(clbits);
}

/// <summary>&amp;&amp; (<see cref="IsAnd"/>) or || of two tests.</summary>
public sealed record LogicalCondition(bool IsAnd, ClassicalCondition Left, ClassicalCondition Right) : ClassicalCondition
{
    public override IEnumerable<int> Clbits => Left.Clbits.Concat(Right.Clbits);

    public override bool Evaluate(ReadOnlySpan<bool> clbits) =>
        IsAnd ? Left.Evaluate(clbits) && Right.Evaluate(clbits) : Left.Evaluate(clbits) || Right.Evaluate(clbits);
}

/// <summary>A block of operations with its own qubits and classical bits: the union of its contents'.</summary>
public abstract record StructuredOperation : Operation
{
    private protected StructuredOperation(ClassicalCondition test, ImmutableArray<Operation> body)
        : base((Condition?)null)
    {
        Test = test;
        Body = body;
    }

    public ClassicalCondition Test { get; }

    public ImmutableArray<Operation> Body { get; }

    public override ImmutableArray<int> Qubits => [.. Blocks.SelectMany(b => b).SelectMany(o => o.Qubits).Distinct().Order()];

    public override IEnumerable<int> Clbits => Test.Clbits.Concat(Blocks.SelectMany(b => b).SelectMany(o => o.Clbits)).Distinct();

    /// <summary>The nested operation lists.</summary>
    public abstract IEnumerable<ImmutableArray<Operation>> Blocks { get; }
}

/// <summary>OpenQASM 3's <c>if (test) { body } else { orElse }</c> on measured bits.</summary>
public sealed record IfElseOperation : StructuredOperation
{
    public IfElseOperation(ClassicalCondition test, ImmutableArray<Operation> body, ImmutableArray<Operation> orElse)
        : base(test, body) => OrElse = orElse;

    public ImmutableArray<Operation> OrElse { get; }

    public override string Name => "if_else";

    public override IEnumerable<ImmutableArray<Operation>> Blocks => [Body, OrElse];
}

/// <summary>OpenQASM 3's <c>while (test) { body }</c> on measured bits; a run stops with an error after <see cref="MaxIterations"/>.</summary>
public sealed record WhileOperation : StructuredOperation
{
    public const int MaxIterations = 1_000_000;

    public WhileOperation(ClassicalCondition test, ImmutableArray<Operation> body)
        : base(test, body)
    {
    }

    public override string Name => "while_loop";

    public override IEnumerable<ImmutableArray<Operation>> Blocks => [Body];
}

/// <summary>Copies measured bits at run time: Targets[i] ← Sources[i] (OpenQASM 3's assignment between bit registers).</summary>
public sealed record CopyBitsOperation : Operation
{
    public CopyBitsOperation(ImmutableArray<int> targets, ImmutableArray<int> sources)
        : base((Condition?)null)
    {
        Targets = targets;
        Sources = sources;
    }

    public ImmutableArray<int> Targets { get; }

    public ImmutableArray<int> Sources { get; }

    public override string Name => "store";

    public override ImmutableArray<int> Qubits => [];

    public override IEnumerable<int> Clbits => Targets.Concat(Sources);

    /// <summary>Copies the bits in one shot's (or branch's) <paramref name="clbits"/>; sources are read before any target is written, so overlapping registers copy as a whole.</summary>
    public void Execute(Span<bool> clbits)
    {
        Span<bool> values = Sources.Length <= 256 ? stackalloc bool[Sources.Length] : new bool[Sources.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = clbits[Sources[i]];
        }

        for (int i = 0; i < values.Length; i++)
        {
            clbits[Targets[i]] = values[i];
        }
    }
}

/// <summary>
/// OpenQASM 3's <c>delay[duration]</c>: the qubits idle; a noise model may attach idle noise to "delay".
/// <see cref="Seconds"/> is NaN where the program gives no length in seconds (dt, a stretch, a durationof).
/// </summary>
public sealed record DelayOperation : Operation
{
    public DelayOperation(ImmutableArray<int> qubits, double seconds)
        : base((Condition?)null)
    {
        QubitList = qubits;
        Seconds = seconds;
    }

    public double Seconds { get; }

    private ImmutableArray<int> QubitList { get; }

    public override string Name => "delay";

    public override ImmutableArray<int> Qubits => QubitList;
}

/// <summary>Sets classical bits to constants at run time (OpenQASM 3's <c>bit[2] flags = "11";</c>).</summary>
public sealed record SetBitsOperation : Operation
{
    public SetBitsOperation(ImmutableArray<int> targets, ImmutableArray<bool> values)
        : base((Condition?)null)
    {
        Targets = targets;
        Values = values;
    }

    public ImmutableArray<int> Targets { get; }

    public ImmutableArray<bool> Values { get; }

    public override string Name => "store";

    public override ImmutableArray<int> Qubits => [];

    public override IEnumerable<int> Clbits => Targets;

    /// <summary>Sets the bits in one shot's (or branch's) <paramref name="clbits"/>.</summary>
    public void Execute(Span<bool> clbits)
    {
        for (int i = 0; i < Targets.Length; i++)
        {
            clbits[Targets[i]] = Values[i];
        }
    }
}

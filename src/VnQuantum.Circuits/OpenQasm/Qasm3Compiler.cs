using System.Collections.Immutable;
using System.Globalization;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>
/// Turns an OpenQASM 3 syntax tree into the circuit IR. Classical code whose values are known when the program is
/// compiled (constants, inputs, loop counters, arithmetic) is evaluated here: for loops unroll, subroutines and
/// gates inline. What depends on measurement results stays dynamic: if/else and while on measured bits become
/// conditions and structured operations that the executor evaluates each shot. Integer, float and angle variables
/// computed from measurements at run time are refused with their location.
/// </summary>
internal sealed partial class Qasm3Compiler
{
    private const int MaxOperations = 10_000_000;
    private const int MaxInlineDepth = 64;

    /// <summary>
    /// The compile's whole budget: every statement run and every loop iteration is a step, nested loops and inlined
    /// subroutines included, so that no program (two nested loops of a million, say) can keep the compiler busy for
    /// longer than about a second.
    /// </summary>
    public const long MaxSteps = 10_000_000;
    private const int MaxModifiedGateQubits = 5;

    private readonly Dictionary<string, string> _inputs;
    private readonly List<Register> _quantumRegisters = [];
    private readonly List<Register> _classicalRegisters = [];
    private readonly Stack<List<Operation>> _emit = new();
    private readonly List<SourceLocation?> _locations = [];
    private readonly Dictionary<int, bool> _knownBits = [];
    private readonly HashSet<string> _usedInputs = [];
    private readonly Stack<string> _includes = new();
    private Scope _scope = new(null);
    private string _file;
    private int _qubits;
    private int _clbits;
    private int _scratch;
    private int _operationCount;
    private long _steps;
    private Stack<LoopFrame> _loops = new();
    private object? _returnValue;
    private readonly CancellationToken _cancel;
    private int _inlineDepth;
    private int _runtimeBranchDepth;

    private Qasm3Compiler(string file, IReadOnlyDictionary<string, string>? inputs, CancellationToken cancel)
    {
        _file = file;
        _cancel = cancel;
        _inputs = inputs is null ? [] : new Dictionary<string, string>(inputs, StringComparer.Ordinal);
        _emit.Push([]);
    }

    public static Circuit Compile(ImmutableArray<Stmt> program, string file, IReadOnlyDictionary<string, string>? inputs, CancellationToken cancel = default)
    {
        var compiler = new Qasm3Compiler(file, inputs, cancel);
        compiler.Statements(program);
        foreach (string name in compiler._inputs.Keys)
        {
            if (!compiler._usedInputs.Contains(name))
            {
                throw new QasmException(new QasmDiagnostic(file, 1, 1, $"--input {name}=… names no 'input' declaration of the program"));
            }
        }

        // Registers were numbered as declared; scratch bits (subroutine locals) were numbered among them, so renumber
        // them after the registers.
        var operations = compiler._emit.Pop();
        var remap = compiler.ClbitRemap();
        var ops = operations.Select(o => Remap(o, remap)).ToImmutableArray();
        var cregs = compiler._classicalRegisters.Select(r => r with { Offset = remap[r.Offset] }).ToImmutableArray();
        return new Circuit(
            [.. compiler._quantumRegisters],
            cregs,
            ops,
            [],
            [.. compiler._locations],
            compiler._scratch);
    }

    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object> _names = new(StringComparer.Ordinal);

        public Scope? Parent { get; } = parent;

        /// <summary>A subroutine or gate body: names outside it are visible only when they are constants, gates or subroutines.</summary>
        public bool IsBoundary { get; init; }

        public object? Find(string name)
        {
            bool crossed = false;
            for (var s = this; s is not null; s = s.Parent)
            {
                if (s._names.TryGetValue(name, out var symbol))
                {
                    return !crossed || symbol is ValueSymbol { IsConst: true } or GateSymbol or SubroutineSymbol or ExternSymbol or QubitSymbol { Global: true } ? symbol : null;
                }

                crossed |= s.IsBoundary;
            }

            return null;
        }

        public bool DeclaredHere(string name) => _names.ContainsKey(name);

        public void Declare(string name, object symbol) => _names[name] = symbol;
    }

    private sealed record QubitSymbol(int[] Qubits, bool IsRegister, bool Global);

    private sealed record BitSymbol(int[] Clbits, bool IsRegister, string TypeName);

    private sealed class ValueSymbol(object value, TypeRef type, bool isConst)
    {
        public object Value { get; set; } = value;

        public TypeRef Type { get; } = type;

        public bool IsConst { get; } = isConst;

        /// <summary>How many run-time branches enclose the declaration (0: none).</summary>
        public int RuntimeDepth { get; init; }
    }

    private sealed record GateSymbol(GateDefStmt? Definition, StandardGate? Standard, string Name);

    private sealed record SubroutineSymbol(DefStmt Definition);

    /// <summary>An extern declaration: legal to declare, an error to call (nothing here provides its body).</summary>
    private sealed record ExternSymbol(ExternStmt Declaration);

    /// <summary>
    /// A loop being compiled. A break or continue that depends on a measurement cannot end an unrolled loop when it is
    /// compiled, so it sets one of two scratch flag bits at run time instead, and what follows it in the loop runs
    /// only while neither flag is set (as a C compiler lowers break to a flag). The flags are cleared where the loop
    /// starts, each iteration clears the continue flag, and a loop on measured bits also stops on the break flag.
    /// </summary>
    private sealed class LoopFrame(int entryDepth)
    {
        /// <summary>The run-time branch depth at the loop: a jump deeper than this depends on a measurement.</summary>
        public int EntryDepth { get; } = entryDepth;

        /// <summary>[break, continue], allocated at the first run-time jump.</summary>
        public int[]? Flags { get; set; }

        /// <summary>Run-time jumps compiled so far.</summary>
        public int Jumps { get; set; }

        public ClassicalCondition NeitherJumped() => new CompareCondition([.. Flags!], "==", 0);

        public ClassicalCondition NotBroken() => new CompareCondition([Flags![0]], "==", 0);
    }

    /// <summary>A value known only at run time, from a measurement.</summary>
    private abstract record RuntimeOperand;

    /// <summary>
    /// Bits whose value is known only at run time (measured, or copied from measured bits); <see cref="Signed"/> for
    /// an int variable's bits, whose top bit is the sign.
    /// </summary>
    private sealed record RuntimeBits(int[] Clbits, bool Signed = false) : RuntimeOperand;

    /// <summary>
    /// Arithmetic on run-time bits, computed each shot. Built when first used: a test such as <c>c == 5</c> on a
    /// register wider than arithmetic reads is compared exactly and never needs it.
    /// </summary>
    private sealed record RuntimeExpression(Lazy<RuntimeValue> Built) : RuntimeOperand
    {
        public RuntimeExpression(RuntimeValue value)
            : this(new Lazy<RuntimeValue>(() => value))
        {
        }

        public RuntimeValue Value => Built.Value;
    }

    /// <summary>
    /// How a statement ends: on to the next one, or out of its loop or subroutine. A value, not an exception, so that
    /// a loop that continues a million times costs a million steps and nothing more.
    /// </summary>
    private enum Flow
    {
        Next,
        Break,
        Continue,
        Return,
    }

    private void Step(Token at)
    {
        if (++_steps > MaxSteps)
        {
            throw Error(at, $"the program takes more than {MaxSteps:N0} compile steps (statements run and loop iterations, nested loops multiplied)");
        }

        if ((_steps & 4095) == 0)
        {
            _cancel.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Work of many elements at once (an array declared, copied or written): each element is a step.</summary>
    private void Steps(Token at, long count)
    {
        _steps += Math.Max(0, count - 1);
        Step(at);
        _cancel.ThrowIfCancellationRequested();
    }

    private QasmException Error(Token at, string message) => new(new QasmDiagnostic(_file, at.Line, at.Column, message));

    /// <summary>
    /// Emits at the top level, where the outermost run-time branch now being compiled will go: before it, so the
    /// operation runs once per shot whichever way the branch goes.
    /// </summary>
    private void EmitBeforeRunTimeBranches(Token at, Operation op)
    {
        _operationCount++;
        _emit.Last().Add(op);
        _locations.Add(new SourceLocation(_file, at.Line, at.Column));
    }

    private void Emit(Token at, Operation op)
    {
        if (++_operationCount > MaxOperations)
        {
            throw Error(at, $"the program expands to more than {MaxOperations:N0} operations");
        }

        _emit.Peek().Add(op);
        if (_emit.Count == 1)
        {
            _locations.Add(new SourceLocation(_file, at.Line, at.Column));
        }
    }

    private Flow Statements(IReadOnlyList<Stmt> statements)
    {
        for (int i = 0; i < statements.Count; i++)
        {
            int jumps = _loops.Count > 0 ? _loops.Peek().Jumps : 0;
            var flow = Statement(statements[i]);
            if (flow != Flow.Next)
            {
                return flow;
            }

            if (_loops.Count > 0 && _loops.Peek().Jumps != jumps && i + 1 < statements.Count)
            {
                // A break or continue on a measurement result may have run: the rest of the body runs only if not.
                var frame = _loops.Peek();
                var rest = statements.Skip(i + 1).ToArray();
                var guarded = Collect(rest[0].At, () => Statements(rest));
                Emit(rest[0].At, new IfElseOperation(frame.NeitherJumped(), guarded, []));
                return Flow.Next;
            }
        }

        return Flow.Next;
    }

    private Flow Statement(Stmt s)
    {
        Step(s.At);
        switch (s)
        {
            case IncludeStmt include:
                Include(include);
                break;
            case QubitDeclStmt q:
                DeclareQubits(q);
                break;
            case ClassicalDeclStmt c:
                DeclareClassical(c);
                break;
            case GateDefStmt g:
                Declare(g.At, g.Name, new GateSymbol(g, null, g.Name));
                break;
            case DefStmt d:
                Declare(d.At, d.Name, new SubroutineSymbol(d));
                break;
            case GateCallStmt gateCall:
                GateCall(gateCall);
                break;
            case MeasureArrowStmt m:
                Measure(m.At, m.Operand, m.Target);
                break;
            case AssignStmt a:
                Assign(a);
                break;
            case ResetStmt r:
                foreach (int q in r.Operands.SelectMany(o => Qubits(o)))
                {
                    Emit(r.At, new ResetOperation(q));
                }

                break;
            case BarrierStmt b:
                {
                    var qubits = b.Operands.IsEmpty ? Enumerable.Range(0, _qubits).ToArray() : b.Operands.SelectMany(o => Qubits(o)).Distinct().ToArray();
                    if (qubits.Length > 0)
                    {
                        Emit(b.At, new BarrierOperation([.. qubits]));
                    }

                    break;
                }

            case DelayStmt d:
                Delay(d);
                break;
            case IfStmt i:
                return If(i);
            case ForStmt f:
                return For(f);
            case WhileStmt w:
                return While(w);
            case BlockStmt block:
                return InScope(() => Statements(block.Body));
            case BoxStmt box:
                if (box.Duration is not null)
                {
                    DurationOf(box.Duration, "box[…]");
                }

                return InScope(() => Statements(box.Body));
            case CalibrationStmt:
                break;
            case ExternStmt ext:
                Declare(ext.At, ext.Name, new ExternSymbol(ext));
                break;
            case ReturnStmt ret:
                if (_inlineDepth == 0)
                {
                    throw Error(ret.At, "'return' outside a subroutine");
                }

                _returnValue = ret.Value is null ? null : ret.Value is MeasureExpr me ? me : Eval(ret.Value);
                return Flow.Return;
            case BreakStmt br:
                return Jump(br.At, isBreak: true);
            case ContinueStmt co:
                return Jump(co.At, isBreak: false);
            case NopStmt nop:
                foreach (var operand in nop.Operands)
                {
                    Qubits(operand);
                }

                break;
            case SwitchStmt sw:
                return Switch(sw);
            case LetStmt let:
                Alias(let);
                break;
            case PhysicalQubitsStmt physical:
                {
                    var qubits = Enumerable.Range(_qubits, physical.Count).ToArray();
                    _scope.Declare("$", new QubitSymbol(qubits, IsRegister: true, Global: true));
                    _quantumRegisters.Add(new Register("physical", physical.Count, _qubits));
                    _qubits += physical.Count;
                    break;
                }

            case EndStmt end:
                throw Error(end.At, "'end' is not supported");
            case ExprStmt e:
                if (e.Expression is CallExpr call)
                {
                    Call(call, destination: null);
                }
                else if (e.Expression is MeasureExpr measure)
                {
                    Measure(e.At, measure.Operand, null);
                }
                else
                {
                    Eval(e.Expression);
                }

                break;
            case UnsupportedStmt u:
                throw Error(u.At, $"{u.Construct} is not supported by VnQuantum's OpenQASM 3 subset");
            default:
                throw Error(s.At, $"this statement is not supported");
        }

        return Flow.Next;
    }

    private Flow InScope(Func<Flow> action)
    {
        var saved = _scope;
        _scope = new Scope(saved);
        try
        {
            return action();
        }
        finally
        {
            _scope = saved;
        }
    }

    private void Declare(Token at, string name, object symbol)
    {
        if (_scope.DeclaredHere(name))
        {
            throw Error(at, $"'{name}' is already declared in this scope");
        }

        if (name is "pi" or "π" or "tau" or "τ" or "euler" or "ℇ")
        {
            throw Error(at, $"'{name}' is a built-in constant");
        }

        _scope.Declare(name, symbol);
    }

    private void Include(IncludeStmt include)
    {
        if (include.Path is "stdgates.inc" or "qelib1.inc")
        {
            // Built in: the standard gates are VnQuantum's own, with Qiskit's matrices (as Qiskit's importer maps them).
            return;
        }

        string directory = _file.StartsWith('<') ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(_file)) ?? ".";
        string path = Path.GetFullPath(Path.Combine(directory, include.Path));
        if (_includes.Contains(path) || _includes.Count > 32)
        {
            throw Error(include.At, $"include cycle: '{include.Path}' includes itself");
        }

        string source;
        try
        {
            source = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(include.At, $"cannot read '{include.Path}': {e.Message}");
        }

        var saved = _file;
        _includes.Push(path);
        _file = path;
        try
        {
            Statements(Qasm3Parser.Parse(source, path));
        }
        finally
        {
            _file = saved;
            _includes.Pop();
        }
    }

    private void DeclareQubits(QubitDeclStmt q)
    {
        if (_inlineDepth > 0 || _scope.Parent is not null)
        {
            throw Error(q.At, "qubits are declared at the top level only");
        }

        int size = q.Size is null ? 1 : PositiveInt(q.Size, "a register size");
        var qubits = Enumerable.Range(_qubits, size).ToArray();
        Declare(q.At, q.Name, new QubitSymbol(qubits, q.Size is not null, Global: true));
        _quantumRegisters.Add(new Register(q.Name, size, _qubits));
        _qubits += size;
    }

    /// <summary>let name = a ++ b[1:2] ++ {c, d};: an alias of qubits (or of bits), which stays what it names.</summary>
    private void Alias(LetStmt let)
    {
        bool quantum = IsQubitExpression(let.Parts[0]);
        var items = new List<int>();
        foreach (var part in let.Parts)
        {
            if (IsQubitExpression(part) != quantum)
            {
                throw Error(part.At, "an alias joins qubits with qubits or bits with bits, not both");
            }

            items.AddRange(quantum ? Qubits(part) : Bits(part));
        }

        if (items.Distinct().Count() != items.Count)
        {
            throw Error(let.At, $"the alias '{let.Name}' names one {(quantum ? "qubit" : "bit")} twice");
        }

        Declare(let.At, let.Name, quantum ? new QubitSymbol([.. items], IsRegister: true, Global: _scope.Parent is null) : new BitSymbol([.. items], IsRegister: true, "bit"));
    }

    private bool IsQubitExpression(Expr e) => e switch
    {
        PhysicalQubitExpr => true,
        NameExpr n => _scope.Find(n.Name) is QubitSymbol,
        IndexExpr { Target: var target } => IsQubitExpression(target),
        SetExpr { Items: [var first, ..] } => IsQubitExpression(first),
        _ => false,
    };

    private void DeclareClassical(ClassicalDeclStmt c)
    {
        var type = c.Type;
        if (type.IsArray)
        {
            DeclareArray(c);
            return;
        }

        if (type.Name is "bit")
        {
            if (c.Modifier is "input")
            {
                throw Error(c.At, "input bits are not supported; declare an int or a bool input");
            }

            int size = type.Width is null ? 1 : PositiveInt(type.Width, "a register size");
            int[] clbits = AllocateBits(size, c.Name);
            var symbol = new BitSymbol(clbits, type.Width is not null, "bit");
            Declare(c.At, c.Name, symbol);
            if (c.Initializer is MeasureExpr measure)
            {
                Measure(c.At, measure.Operand, null, clbits);
            }
            else if (c.Initializer is CallExpr call && _scope.Find(call.Name) is SubroutineSymbol)
            {
                Call(call, clbits);
            }
            else if (c.Initializer is not null)
            {
                StoreBits(c.At, clbits, Eval(c.Initializer));
            }

            return;
        }

        if (type.Name is "stretch" && c.Initializer is null)
        {
            Declare(c.At, c.Name, new ValueSymbol(DurationValue.Stretch, type, isConst: true));
            return;
        }

        object value;
        if (c.Modifier == "input")
        {
            if (!_inputs.TryGetValue(c.Name, out string? text))
            {
                throw Error(c.At, $"input '{c.Name}' needs a value: give it with --input {c.Name}=…");
            }

            _usedInputs.Add(c.Name);
            value = ParseInput(c.At, type, text);
        }
        else if (c.Initializer is not null)
        {
            value = Eval(c.Initializer);
            if (value is RuntimeOperand runtime)
            {
                var symbol = new ValueSymbol(0L, type, c.Modifier == "const") { RuntimeDepth = _runtimeBranchDepth };
                Declare(c.At, c.Name, symbol);
                StoreRuntimeValue(c.Initializer, c.Name, symbol, runtime);
                return;
            }
        }
        else if (c.Modifier == "const")
        {
            throw Error(c.At, $"the constant '{c.Name}' needs a value: const {type.Name} {c.Name} = …;");
        }
        else
        {
            value = type.Name switch { "float" or "angle" => 0.0, "bool" => false, "complex" => System.Numerics.Complex.Zero, "duration" => new DurationValue(0, 0, false), _ => 0L };
        }

        Declare(c.At, c.Name, new ValueSymbol(Convert(c.At, value, type), type, c.Modifier == "const") { RuntimeDepth = _runtimeBranchDepth });
    }

    private int[] AllocateBits(int size, string name)
    {
        if (_inlineDepth > 0 || _scope.Parent is not null)
        {
            // Locals of subroutines and blocks: classical bits outside the registers, not in the counts.
            var scratch = Enumerable.Range(_clbits, size).ToArray();
            _clbits += size;
            _scratch += size;
            _scratchBits.UnionWith(scratch);
            return scratch;
        }

        var bits = Enumerable.Range(_clbits, size).ToArray();
        _classicalRegisters.Add(new Register(name, size, _clbits));
        _clbits += size;
        return bits;
    }

    private readonly HashSet<int> _scratchBits = [];

    private object ParseInput(Token at, TypeRef type, string text)
    {
        switch (type.Name)
        {
            case "bool":
                return text is "true" or "1" ? true : text is "false" or "0" ? false : throw Error(at, $"input '{text}' is not a bool (true/false)");
            case "int" or "uint":
                return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : throw Error(at, $"input '{text}' is not an integer");
            default:
                {
                    // A number or a constant expression such as pi/4.
                    try
                    {
                        var parsed = Qasm3Parser.Parse($"float x = {text};", "<input>");
                        if (parsed.Length == 1 && parsed[0] is ClassicalDeclStmt { Initializer: { } initializer })
                        {
                            return ToDouble(at, Eval(initializer));
                        }
                    }
                    catch (QasmException)
                    {
                    }

                    throw Error(at, $"input '{text}' is not a number");
                }
        }
    }

    // ---- Final numbering ------------------------------------------------------------------------------------------

    /// <summary>Register bits first (in declaration order), scratch bits after them.</summary>
    private int[] ClbitRemap()
    {
        var map = new int[Math.Max(_clbits, 1) + 1];
        int next = 0;
        foreach (var r in _classicalRegisters)
        {
            for (int i = 0; i < r.Size; i++)
            {
                map[r.Offset + i] = next++;
            }
        }

        foreach (int s in _scratchBits.Order())
        {
            map[s] = next++;
        }

        return map;
    }

    private static Operation Remap(Operation op, int[] map)
    {
        Ir.Condition? condition = op.Condition is { } c ? new Ir.Condition(c.Register with { Offset = map[c.Register.Offset] }, c.Value) : null;
        return op switch
        {
            MeasureOperation m => new MeasureOperation(m.Qubit, map[m.Clbit], condition),
            GateOperation g => new GateOperation(g.GateName, g.Parameters, g.Qubits, condition),
            ResetOperation r => new ResetOperation(r.Qubit, condition),
            CopyBitsOperation copy => new CopyBitsOperation([.. copy.Targets.Select(t => map[t])], [.. copy.Sources.Select(s => map[s])]),
            SetBitsOperation set => new SetBitsOperation([.. set.Targets.Select(t => map[t])], set.Values),
            IfElseOperation ifElse => new IfElseOperation(Remap(ifElse.Test, map), [.. ifElse.Body.Select(o => Remap(o, map))], [.. ifElse.OrElse.Select(o => Remap(o, map))]),
            WhileOperation loop => new WhileOperation(Remap(loop.Test, map), [.. loop.Body.Select(o => Remap(o, map))]),
            ComputeBitsOperation compute => new ComputeBitsOperation([.. compute.Targets.Select(t => map[t])], Remap(compute.Value, map)),
            _ when op.Condition is null && !op.Clbits.Any() => op,

            // Every operation that reads or writes classical bits is listed above: one left out would keep the bit
            // numbers of before the remap and read or write another register's bits.
            _ => throw new InvalidOperationException($"'{op.Name}' has classical bits the remap does not know"),
        };
    }

    private static ClassicalCondition Remap(ClassicalCondition c, int[] map) => c switch
    {
        CompareCondition compare => compare with { Bits = [.. compare.Bits.Select(b => map[b])] },
        RegisterCompareCondition registers => new RegisterCompareCondition([.. registers.Left.Select(b => map[b])], registers.Operator, [.. registers.Right.Select(b => map[b])]),
        ValueCondition value => new ValueCondition(Remap(value.Value, map)),
        NotCondition not => new NotCondition(Remap(not.Operand, map)),
        LogicalCondition logical => new LogicalCondition(logical.IsAnd, Remap(logical.Left, map), Remap(logical.Right, map)),
        _ => throw new InvalidOperationException($"the condition {c.GetType().Name} has classical bits the remap does not know"),
    };

    private static RuntimeValue Remap(RuntimeValue v, int[] map) => v switch
    {
        BitsValue bits => new BitsValue([.. bits.Bits.Select(b => map[b])], bits.Signed),
        ConstantValue => v,
        UnaryValue unary => unary with { Operand = Remap(unary.Operand, map) },
        BinaryValue binary => binary with { Left = Remap(binary.Left, map), Right = Remap(binary.Right, map) },
        _ => throw new InvalidOperationException($"the run-time value {v.GetType().Name} has classical bits the remap does not know"),
    };
}

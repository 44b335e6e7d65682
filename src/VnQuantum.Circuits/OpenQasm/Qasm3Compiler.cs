using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
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
internal sealed class Qasm3Compiler
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
    private int _loopDepth;
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
                    return !crossed || symbol is ValueSymbol { IsConst: true } or GateSymbol or SubroutineSymbol or QubitSymbol { Global: true } ? symbol : null;
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
    }

    private sealed record GateSymbol(GateDefStmt? Definition, StandardGate? Standard, string Name);

    private sealed record SubroutineSymbol(DefStmt Definition);

    /// <summary>Bits whose value is known only at run time (measured, or copied from measured bits).</summary>
    private sealed record RuntimeBits(int[] Clbits);

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

    private QasmException Error(Token at, string message) => new(new QasmDiagnostic(_file, at.Line, at.Column, message));

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

    private Flow Statements(IEnumerable<Stmt> statements)
    {
        foreach (var s in statements)
        {
            var flow = Statement(s);
            if (flow != Flow.Next)
            {
                return flow;
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
                {
                    double seconds = Duration(d.Duration);
                    var qubits = d.Operands.IsEmpty ? Enumerable.Range(0, _qubits).ToArray() : d.Operands.SelectMany(o => Qubits(o)).Distinct().ToArray();
                    if (qubits.Length > 0)
                    {
                        Emit(d.At, new DelayOperation([.. qubits], seconds));
                    }

                    break;
                }

            case IfStmt i:
                return If(i);
            case ForStmt f:
                return For(f);
            case WhileStmt w:
                return While(w);
            case BlockStmt block:
                return InScope(() => Statements(block.Body));
            case BoxStmt box:
                return InScope(() => Statements(box.Body));
            case ReturnStmt ret:
                if (_inlineDepth == 0)
                {
                    throw Error(ret.At, "'return' outside a subroutine");
                }

                _returnValue = ret.Value is null ? null : ret.Value is MeasureExpr me ? me : Eval(ret.Value);
                return Flow.Return;
            case BreakStmt br:
                return _runtimeBranchDepth > 0 ? throw Error(br.At, "'break' inside a loop or branch on a measurement result is not supported")
                    : _loopDepth == 0 ? throw Error(br.At, "'break' outside a loop") : Flow.Break;
            case ContinueStmt co:
                return _runtimeBranchDepth > 0 ? throw Error(co.At, "'continue' inside a loop or branch on a measurement result is not supported")
                    : _loopDepth == 0 ? throw Error(co.At, "'continue' outside a loop") : Flow.Continue;
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

    private void DeclareClassical(ClassicalDeclStmt c)
    {
        var type = c.Type;
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

        if (type.Name is "duration" or "stretch" or "complex")
        {
            throw Error(c.At, $"'{type.Name}' variables are not supported");
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
            if (value is RuntimeBits)
            {
                throw Error(c.Initializer.At, $"'{c.Name}' would hold a value known only at run time (from a measurement); VnQuantum evaluates {type.Name} variables when the program is compiled");
            }
        }
        else
        {
            value = type.Name switch { "float" or "angle" => 0.0, "bool" => false, _ => 0L };
        }

        Declare(c.At, c.Name, new ValueSymbol(Convert(c.At, value, type), type, c.Modifier == "const"));
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

    // ---- Gates -----------------------------------------------------------------------------------------------------

    private void GateCall(GateCallStmt call)
    {
        if (call.Duration is not null)
        {
            throw Error(call.Duration.At, "gate durations ('name[duration]') are not supported");
        }

        if (_scope.Find(call.Name) is SubroutineSymbol)
        {
            throw Error(call.At, $"'{call.Name}' is a subroutine: call it as {call.Name}(arguments…), with its qubits among the arguments");
        }

        var parameters = call.Parameters.Select(p => ToDouble(p.At, Eval(p))).ToArray();
        var operands = call.Operands.Select(o => Qubits(o)).ToList();
        if (call.Name == "gphase")
        {
            if (call.Modifiers.IsEmpty && operands.Count == 0)
            {
                if (parameters.Length != 1)
                {
                    throw Error(call.At, "gphase takes one angle");
                }

                return; // a global phase has no observable effect outside a controlled gate
            }
        }

        // Broadcast registers of equal size; single qubits repeat.
        int broadcast = 1;
        foreach (var o in operands)
        {
            if (o.Length != 1)
            {
                if (broadcast != 1 && o.Length != broadcast)
                {
                    throw Error(call.At, $"registers of different sizes in one gate call ({broadcast} and {o.Length})");
                }

                broadcast = o.Length;
            }
        }

        for (int k = 0; k < broadcast; k++)
        {
            var qubits = operands.Select(o => o.Length == 1 ? o[0] : o[k]).ToArray();
            if (qubits.Distinct().Count() != qubits.Length)
            {
                throw Error(call.At, $"a qubit is used twice in one call of '{call.Name}'");
            }

            ApplyGate(call.At, call.Modifiers, call.Name, parameters, qubits);
        }
    }

    private void ApplyGate(Token at, ImmutableArray<GateModifier> modifiers, string name, double[] parameters, int[] qubits)
    {
        if (modifiers.IsEmpty)
        {
            var symbol = ResolveGate(at, name, parameters.Length);
            RequireArity(at, name, symbol, qubits.Length, 0);
            if (symbol.Standard is { } standard)
            {
                Emit(at, new GateOperation(standard.Name, [.. parameters], [.. qubits]));
                return;
            }

            Inline(at, symbol.Definition!, parameters, qubits);
            return;
        }

        // Peel modifiers that map onto a named gate (ctrl @ x → cx, inv @ s → sdg); otherwise build the matrix.
        if (TryNamedModified(modifiers, name, parameters, out var named, out var namedParameters))
        {
            ApplyGate(at, [], named, namedParameters, qubits);
            return;
        }

        var matrix = ModifiedMatrix(at, modifiers, name, parameters, qubits.Length);
        if (qubits.Length > MaxModifiedGateQubits)
        {
            throw Error(at, $"a modified gate on {qubits.Length} qubits is not supported (at most {MaxModifiedGateQubits})");
        }

        Emit(at, new UnitaryOperation([.. qubits], [.. matrix], 1));
    }

    private static readonly Dictionary<string, string[]> ControlledNames = new(StringComparer.Ordinal)
    {
        ["x"] = ["cx", "ccx", "c3x", "c4x"],
        ["X"] = ["cx", "ccx", "c3x", "c4x"],
        ["y"] = ["cy"],
        ["z"] = ["cz", "ccz"],
        ["h"] = ["ch"],
        ["p"] = ["cp"],
        ["phase"] = ["cp"],
        ["u1"] = ["cu1"],
        ["rx"] = ["crx"],
        ["ry"] = ["cry"],
        ["rz"] = ["crz"],
        ["sx"] = ["csx"],
        ["s"] = ["cs"],
        ["sdg"] = ["csdg"],
        ["swap"] = ["cswap"],
        ["U"] = ["cu3"],
        ["u3"] = ["cu3"],
        ["cx"] = ["ccx", "c3x", "c4x"],
        ["CX"] = ["ccx", "c3x", "c4x"],
        ["ccx"] = ["c3x", "c4x"],
        ["cz"] = ["ccz"],
    };

    private bool TryNamedModified(ImmutableArray<GateModifier> modifiers, string name, double[] parameters, out string named, out double[] namedParameters)
    {
        named = name;
        namedParameters = parameters;
        if (_scope.Find(name) is GateSymbol { Definition: not null })
        {
            return false;
        }

        // From the innermost modifier outwards.
        for (int m = modifiers.Length - 1; m >= 0; m--)
        {
            var modifier = modifiers[m];
            switch (modifier.Kind)
            {
                case "inv":
                    {
                        (string, double[])? inverse = named switch
                        {
                            "s" => ("sdg", []),
                            "sdg" => ("s", []),
                            "t" => ("tdg", []),
                            "tdg" => ("t", []),
                            "sx" => ("sxdg", []),
                            "sxdg" => ("sx", []),
                            "x" or "y" or "z" or "h" or "cx" or "CX" or "cy" or "cz" or "ch" or "swap" or "ccx" or "cswap" or "id" => (named, []),
                            "rx" or "ry" or "rz" or "p" or "phase" or "u1" or "crx" or "cry" or "crz" or "cp" or "cphase" or "cu1" or "rxx" or "ryy" or "rzz" or "rzx" => (named, namedParameters.Select(v => -v).ToArray()),
                            "U" or "u3" or "u" => (named, [-namedParameters[0], -namedParameters[2], -namedParameters[1]]),
                            _ => null,
                        };
                        if (inverse is null)
                        {
                            return false;
                        }

                        (named, namedParameters) = inverse.Value;
                        break;
                    }

                case "ctrl":
                    {
                        if (modifier.Argument is not null && ToLong(modifier.Argument.At, Eval(modifier.Argument)) != 1)
                        {
                            int count = (int)ToLong(modifier.Argument.At, Eval(modifier.Argument));
                            if (!ControlledNames.TryGetValue(named, out var chain) || count > chain.Length || count < 1)
                            {
                                return false;
                            }

                            named = chain[count - 1];
                            break;
                        }

                        if (named == "gphase")
                        {
                            named = "p";
                            break;
                        }

                        if (!ControlledNames.TryGetValue(named, out var names))
                        {
                            return false;
                        }

                        named = names[0];
                        break;
                    }

                default:
                    return false;
            }
        }

        return StandardGates.Find(named) is not null;
    }

    /// <summary>The matrix of a gate with its modifiers applied, innermost (rightmost) first; index bit i = operand i.</summary>
    private Complex[] ModifiedMatrix(Token at, ImmutableArray<GateModifier> modifiers, string name, double[] parameters, int operandCount)
    {
        int controls = 0;
        foreach (var m in modifiers)
        {
            if (m.Kind is "ctrl" or "negctrl")
            {
                controls += m.Argument is null ? 1 : (int)ToLong(m.Argument.At, Eval(m.Argument));
            }
        }

        int targets = operandCount - controls;
        if (targets < 0)
        {
            throw Error(at, $"the modifiers add {controls} controls but the call has only {operandCount} qubits");
        }

        if (operandCount > MaxModifiedGateQubits)
        {
            throw Error(at, $"a modified gate on {operandCount} qubits is not supported (at most {MaxModifiedGateQubits})");
        }

        var matrix = GateMatrix(at, name, parameters, targets);
        for (int i = modifiers.Length - 1; i >= 0; i--)
        {
            var m = modifiers[i];
            switch (m.Kind)
            {
                case "inv":
                    matrix = GateMatrices.Adjoint(matrix);
                    break;
                case "pow":
                    if (m.Argument is null)
                    {
                        throw Error(m.At, "pow needs an exponent: pow(k) @");
                    }

                    matrix = GateMatrices.Power(matrix, ToDouble(m.Argument.At, Eval(m.Argument)));
                    break;
                default:
                    {
                        int count = m.Argument is null ? 1 : (int)ToLong(m.Argument.At, Eval(m.Argument));
                        if (count < 1)
                        {
                            throw Error(m.At, $"{m.Kind}({count}) needs a positive count");
                        }

                        for (int c = 0; c < count; c++)
                        {
                            matrix = GateMatrices.Controlled(matrix, negative: m.Kind == "negctrl");
                        }

                        break;
                    }
            }
        }

        return matrix;
    }

    /// <summary>The unitary of a gate on its own qubits (index bit i = argument i), global phase included.</summary>
    private Complex[] GateMatrix(Token at, string name, double[] parameters, int qubitCount)
    {
        if (name == "gphase")
        {
            if (parameters.Length != 1 || qubitCount != 0)
            {
                throw Error(at, "gphase takes one angle and no qubits");
            }

            return [Complex.FromPolarCoordinates(1, parameters[0])];
        }

        var symbol = ResolveGate(at, name, parameters.Length);
        RequireArity(at, name, symbol, qubitCount, 0);
        if (symbol.Standard is { } standard)
        {
            return standard.FullMatrix([.. parameters]);
        }

        var definition = symbol.Definition!;
        if (++_inlineDepth > MaxInlineDepth)
        {
            throw Error(at, $"gate definitions nest deeper than {MaxInlineDepth} levels");
        }

        var saved = _scope;
        _scope = GateScope(definition, parameters, Enumerable.Range(0, qubitCount).ToArray());
        try
        {
            var matrix = GateMatrices.Identity(qubitCount);
            foreach (var statement in definition.Body)
            {
                if (statement is BarrierStmt)
                {
                    continue;
                }

                if (statement is not GateCallStmt call)
                {
                    throw Error(statement.At, "a gate body holds only gate calls");
                }

                var values = call.Parameters.Select(p => ToDouble(p.At, Eval(p))).ToArray();
                var operands = call.Operands.Select(o => Qubits(o)).ToList();
                if (call.Name == "gphase" && operands.Count == 0 && call.Modifiers.IsEmpty)
                {
                    matrix = GateMatrices.Scale(matrix, Complex.FromPolarCoordinates(1, values[0]));
                    continue;
                }

                int broadcast = operands.Count == 0 ? 1 : operands.Max(o => o.Length);
                for (int k = 0; k < broadcast; k++)
                {
                    var local = operands.Select(o => o.Length == 1 ? o[0] : o[k]).ToArray();
                    var inner = call.Modifiers.IsEmpty
                        ? GateMatrix(call.At, call.Name, values, local.Length)
                        : ModifiedMatrix(call.At, call.Modifiers, call.Name, values, local.Length);
                    var full = local.Length == 0 ? GateMatrices.Scale(GateMatrices.Identity(qubitCount), inner[0]) : GateMatrices.Embed(inner, local, qubitCount);
                    matrix = GateMatrices.Multiply(full, matrix);
                }
            }

            return matrix;
        }
        finally
        {
            _scope = saved;
            _inlineDepth--;
        }
    }

    private Scope GateScope(GateDefStmt definition, double[] parameters, int[] qubits)
    {
        var scope = new Scope(_scope) { IsBoundary = true };
        for (int i = 0; i < definition.Parameters.Length; i++)
        {
            scope.Declare(definition.Parameters[i], new ValueSymbol(parameters[i], new TypeRef(definition.At, "angle", null), isConst: true));
        }

        for (int i = 0; i < definition.Qubits.Length; i++)
        {
            scope.Declare(definition.Qubits[i], new QubitSymbol([qubits[i]], false, Global: false));
        }

        return scope;
    }

    private void Inline(Token at, GateDefStmt definition, double[] parameters, int[] qubits)
    {
        if (++_inlineDepth > MaxInlineDepth)
        {
            throw Error(at, $"gate definitions nest deeper than {MaxInlineDepth} levels");
        }

        var saved = _scope;
        _scope = GateScope(definition, parameters, qubits);
        try
        {
            foreach (var statement in definition.Body)
            {
                if (statement is GateCallStmt or BarrierStmt)
                {
                    Statement(statement);
                }
                else
                {
                    throw Error(statement.At, "a gate body holds only gate calls and barriers");
                }
            }
        }
        finally
        {
            _scope = saved;
            _inlineDepth--;
        }
    }

    private GateSymbol ResolveGate(Token at, string name, int parameterCount)
    {
        var symbol = _scope.Find(name);
        if (symbol is GateSymbol g)
        {
            if (g.Definition is { } d && d.Parameters.Length != parameterCount)
            {
                throw Error(at, $"gate '{name}' takes {d.Parameters.Length} parameter(s), {parameterCount} given");
            }

            return g;
        }

        if (symbol is not null)
        {
            throw Error(at, $"'{name}' is not a gate");
        }

        string resolved = name switch
        {
            "phase" => "p",
            "cphase" => "cp",
            "CX" => "cx",
            _ => name,
        };
        var standard = StandardGates.Find(resolved);
        if (standard is null)
        {
            var known = StandardGates.Qelib1.Keys.Concat(["U", "gphase"]);
            throw Error(at, $"unknown gate '{name}'" + NameSuggestion.Suggest(name, known));
        }

        if (standard.ParameterCount != parameterCount)
        {
            throw Error(at, $"gate '{name}' takes {standard.ParameterCount} parameter(s), {parameterCount} given");
        }

        return new GateSymbol(null, standard, name);
    }

    private void RequireArity(Token at, string name, GateSymbol symbol, int qubits, int extraControls)
    {
        int expected = (symbol.Standard?.QubitCount ?? symbol.Definition!.Qubits.Length) + extraControls;
        if (expected != qubits)
        {
            throw Error(at, $"gate '{name}' acts on {expected} qubit(s), {qubits} given");
        }
    }


    // ---- Measurement and classical data ----------------------------------------------------------------------------

    private void Measure(Token at, Expr operand, Expr? target, int[]? destination = null)
    {
        var qubits = Qubits(operand);
        int[] bits;
        if (destination is not null)
        {
            bits = destination;
        }
        else if (target is not null)
        {
            bits = Bits(target);
        }
        else
        {
            bits = AllocateScratch(qubits.Length);
        }

        if (bits.Length != qubits.Length)
        {
            throw Error(at, $"measure needs as many bits as qubits ({qubits.Length} qubits, {bits.Length} bits)");
        }

        for (int i = 0; i < qubits.Length; i++)
        {
            Emit(at, new MeasureOperation(qubits[i], bits[i]));
            _knownBits.Remove(bits[i]);
        }
    }

    private int[] AllocateScratch(int size)
    {
        var bits = Enumerable.Range(_clbits, size).ToArray();
        _clbits += size;
        _scratch += size;
        _scratchBits.UnionWith(bits);
        return bits;
    }

    private void Assign(AssignStmt a)
    {
        var target = a.Target;
        string? name = target switch
        {
            NameExpr n => n.Name,
            IndexExpr { Target: NameExpr n } => n.Name,
            _ => null,
        };
        var symbol = name is null ? null : _scope.Find(name);
        if (symbol is BitSymbol)
        {
            var bits = Bits(target);
            if (a.Value is MeasureExpr measure && a.Operator == "=")
            {
                Measure(a.At, measure.Operand, null, bits);
                return;
            }

            if (a.Value is CallExpr call && a.Operator == "=" && _scope.Find(call.Name) is SubroutineSymbol)
            {
                Call(call, bits);
                return;
            }

            object value = Eval(a.Value);
            if (a.Operator != "=")
            {
                object current = Eval(target);
                if (current is RuntimeBits || value is RuntimeBits)
                {
                    throw Error(a.At, $"'{a.Operator}' on bits known only at run time (after a measurement) is not supported");
                }

                value = Binary(a.At, a.Operator[..^1], current, value);
            }

            StoreBits(a.At, bits, value);
            return;
        }

        if (symbol is ValueSymbol variable)
        {
            if (variable.IsConst)
            {
                throw Error(a.At, $"'{name}' is a constant");
            }

            if (_runtimeBranchDepth > 0)
            {
                throw Error(a.At, $"'{name}' is assigned inside a branch or loop that depends on a measurement; VnQuantum evaluates {variable.Type.Name} variables when the program is compiled");
            }

            if (target is not NameExpr)
            {
                throw Error(target.At, "assigning to one bit of an integer is not supported");
            }

            object value = a.Value is MeasureExpr ? throw Error(a.Value.At, $"a measurement result cannot be stored in the {variable.Type.Name} '{name}'; measure into a bit register")
                : Eval(a.Value);
            if (a.Operator != "=")
            {
                value = Binary(a.At, a.Operator[..^1], variable.Value, value);
            }

            if (value is RuntimeBits)
            {
                throw Error(a.Value.At, $"'{name}' would hold a value known only at run time (from a measurement); VnQuantum evaluates {variable.Type.Name} variables when the program is compiled");
            }

            variable.Value = Convert(a.At, value, variable.Type);
            return;
        }

        throw Error(target.At, name is null ? "cannot assign to this expression" : symbol is null ? $"'{name}' is not declared" : $"cannot assign to '{name}'");
    }

    /// <summary>Writes a value into bits: constants now (and at run time), measured bits by copying at run time.</summary>
    private void StoreBits(Token at, int[] bits, object value)
    {
        if (value is RuntimeBits runtime)
        {
            if (runtime.Clbits.Length != bits.Length)
            {
                throw Error(at, $"assigning {runtime.Clbits.Length} bits to {bits.Length}");
            }

            Emit(at, new CopyBitsOperation([.. bits], [.. runtime.Clbits]));
            foreach (int b in bits)
            {
                _knownBits.Remove(b);
            }

            return;
        }

        bool[] values;
        if (value is BitString s)
        {
            if (s.Bits.Length != bits.Length)
            {
                throw Error(at, $"the bit string \"{s.Bits}\" has {s.Bits.Length} bits; the target has {bits.Length}");
            }

            values = s.Bits.Reverse().Select(ch => ch == '1').ToArray();
        }
        else
        {
            long v = ToLong(at, value is bool b ? (b ? 1L : 0L) : value);
            values = Enumerable.Range(0, bits.Length).Select(i => ((v >> i) & 1) == 1).ToArray();
        }

        Emit(at, new SetBitsOperation([.. bits], [.. values]));
        for (int i = 0; i < bits.Length; i++)
        {
            if (_runtimeBranchDepth == 0)
            {
                _knownBits[bits[i]] = values[i];
            }
            else
            {
                _knownBits.Remove(bits[i]);
            }
        }
    }

    // ---- Control flow ----------------------------------------------------------------------------------------------

    private Flow If(IfStmt i)
    {
        object test = Eval(i.Condition);
        if (test is not RuntimeBits)
        {
            bool taken = ToBool(i.Condition.At, test);
            return InScope(() => Statements(taken ? i.Then : i.Else ?? ImmutableArray<Stmt>.Empty));
        }

        var condition = Condition(i.Condition);
        var then = Collect(i.At, () => InScope(() => Statements(i.Then)));
        var orElse = i.Else is { } e ? Collect(i.At, () => InScope(() => Statements(e))) : [];
        ForgetKnownBits();

        // The OpenQASM 2 form (if (c == v) gate) when it fits, so both front ends give the same circuit.
        if (orElse.IsEmpty && condition is CompareCondition { Operator: "==" } compare && then.All(o => o is GateCallOperation or MeasureOperation or ResetOperation or UnitaryOperation && o.Condition is null)
            && RegisterView(compare.Bits) is { } register)
        {
            foreach (var op in then)
            {
                Emit(i.At, WithCondition(op, new Ir.Condition(register, compare.Value)));
            }

            return Flow.Next;
        }

        Emit(i.At, new IfElseOperation(condition, then, orElse));
        return Flow.Next;
    }

    private static Operation WithCondition(Operation op, Ir.Condition condition) => op switch
    {
        GateOperation g => new GateOperation(g.GateName, g.Parameters, g.Qubits, condition),
        MeasureOperation m => new MeasureOperation(m.Qubit, m.Clbit, condition),
        ResetOperation r => new ResetOperation(r.Qubit, condition),
        UnitaryOperation u => new IfElseOperation(new CompareCondition([.. Enumerable.Range(condition.Register.Offset, condition.Register.Size)], "==", condition.Value), [u], []),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>A register, or a one-bit view of a register bit, whose bits are exactly these (in order).</summary>
    private Register? RegisterView(ImmutableArray<int> bits)
    {
        if (bits.Any(_scratchBits.Contains))
        {
            return null;
        }

        foreach (var r in _classicalRegisters)
        {
            if (r.Size == bits.Length && bits.Select((b, k) => b == r.Offset + k).All(x => x))
            {
                return r;
            }

            if (bits.Length == 1 && bits[0] >= r.Offset && bits[0] < r.Offset + r.Size)
            {
                return new Register($"{r.Name}[{bits[0] - r.Offset}]", 1, bits[0]);
            }
        }

        return null;
    }

    private Flow For(ForStmt f)
    {
        IEnumerable<object> values = f.Iterable switch
        {
            RangeExpr r => Range(r),
            SetExpr s => s.Items.Select(Eval),
            _ => Eval(f.Iterable) is RuntimeBits ? throw Error(f.Iterable.At, "iterating over bits known only at run time is not supported")
                : throw Error(f.Iterable.At, "a for loop runs over a range [a:b], [a:step:b] or a set {…}"),
        };
        _loopDepth++;
        try
        {
            foreach (var value in values)
            {
                Step(f.At);
                var saved = _scope;
                _scope = new Scope(saved);
                _scope.Declare(f.Variable, new ValueSymbol(value, f.Type ?? new TypeRef(f.At, "int", null), isConst: false));
                Flow flow;
                try
                {
                    flow = Statements(f.Body);
                }
                finally
                {
                    _scope = saved;
                }

                if (flow is Flow.Break or Flow.Return)
                {
                    return flow == Flow.Return ? Flow.Return : Flow.Next;
                }
            }

            return Flow.Next;
        }
        finally
        {
            _loopDepth--;
        }
    }

    private IEnumerable<object> Range(RangeExpr r)
    {
        if (r.Start is null || r.End is null)
        {
            throw Error(r.At, "a loop range needs a start and an end");
        }

        long start = ToLong(r.Start.At, Eval(r.Start));
        long end = ToLong(r.End.At, Eval(r.End));
        long step = r.Step is null ? 1 : ToLong(r.Step.At, Eval(r.Step));
        if (step == 0)
        {
            throw Error(r.At, "a range step of 0 never ends");
        }

        for (long v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            yield return v;
        }
    }

    private Flow While(WhileStmt w)
    {
        _loopDepth++;
        try
        {
            return WhileLoop(w);
        }
        finally
        {
            _loopDepth--;
        }
    }

    private Flow WhileLoop(WhileStmt w)
    {
        while (true)
        {
            Step(w.At);
            object test = Eval(w.Condition);
            if (test is RuntimeBits)
            {
                // From here on the loop depends on measurements: the executor runs it each shot.
                ForgetKnownBits();
                var condition = Condition(w.Condition);
                var body = Collect(w.At, () => InScope(() => Statements(w.Body)));
                ForgetKnownBits();
                Emit(w.At, new WhileOperation(condition, body));
                return Flow.Next;
            }

            if (!ToBool(w.Condition.At, test))
            {
                return Flow.Next;
            }

            var flow = InScope(() => Statements(w.Body));
            if (flow is Flow.Break or Flow.Return)
            {
                return flow == Flow.Return ? Flow.Return : Flow.Next;
            }
        }
    }

    /// <summary>The operations of a branch or loop body that runs at run time, on measured bits.</summary>
    private ImmutableArray<Operation> Collect(Token at, Func<Flow> body)
    {
        _emit.Push([]);
        _runtimeBranchDepth++;
        try
        {
            if (body() == Flow.Return)
            {
                throw Error(at, "'return' inside a branch or loop on a measurement result is not supported");
            }

            return [.. _emit.Peek()];
        }
        finally
        {
            _runtimeBranchDepth--;
            _emit.Pop();
        }
    }

    private void ForgetKnownBits() => _knownBits.Clear();

    /// <summary>A run-time test from an expression over measured bits: comparisons with constants, !, &amp;&amp;, ||.</summary>
    private ClassicalCondition Condition(Expr e)
    {
        switch (e)
        {
            case BinaryExpr { Operator: "&&" or "||" } logical:
                return new LogicalCondition(logical.Operator == "&&", Condition(logical.Left), Condition(logical.Right));
            case UnaryExpr { Operator: "!" } not:
                return new NotCondition(Condition(not.Operand));
            case BinaryExpr { Operator: "==" or "!=" or "<" or "<=" or ">" or ">=" } compare:
                {
                    object left = Eval(compare.Left), right = Eval(compare.Right);
                    if (left is RuntimeBits bits && right is not RuntimeBits)
                    {
                        return new CompareCondition([.. bits.Clbits], compare.Operator, (ulong)ToLong(compare.Right.At, right is bool b ? (b ? 1L : 0L) : right));
                    }

                    if (right is RuntimeBits bits2 && left is not RuntimeBits)
                    {
                        string flipped = compare.Operator switch { "<" => ">", "<=" => ">=", ">" => "<", ">=" => "<=", _ => compare.Operator };
                        return new CompareCondition([.. bits2.Clbits], flipped, (ulong)ToLong(compare.Left.At, left is bool b ? (b ? 1L : 0L) : left));
                    }

                    throw Error(compare.At, "a test on measured bits compares them with a constant (e.g. c == 1, int[4](c) != 0)");
                }

            default:
                {
                    object value = Eval(e);
                    if (value is RuntimeBits bits)
                    {
                        return new CompareCondition([.. bits.Clbits], "!=", 0);
                    }

                    return new CompareCondition([], ToBool(e.At, value) ? "==" : "!=", 0);
                }
        }
    }

    // ---- Subroutines ----------------------------------------------------------------------------------------------

    private object? Call(CallExpr call, int[]? destination)
    {
        var symbol = _scope.Find(call.Name);
        if (symbol is not SubroutineSymbol subroutine)
        {
            return symbol is null && MathFunctions.Contains(call.Name)
                ? Eval(call)
                : throw Error(call.At, symbol is null ? $"unknown subroutine '{call.Name}'" : $"'{call.Name}' is not a subroutine");
        }

        var definition = subroutine.Definition;
        if (definition.Parameters.Length != call.Arguments.Length)
        {
            throw Error(call.At, $"subroutine '{call.Name}' takes {definition.Parameters.Length} argument(s), {call.Arguments.Length} given");
        }

        if (++_inlineDepth > MaxInlineDepth)
        {
            throw Error(call.At, $"subroutine calls nest deeper than {MaxInlineDepth} levels (recursion is not supported)");
        }

        var scope = new Scope(_scope) { IsBoundary = true };
        for (int i = 0; i < call.Arguments.Length; i++)
        {
            var parameter = definition.Parameters[i];
            var argument = call.Arguments[i];
            if (parameter.Type.IsArray)
            {
                throw Error(argument.At, "array arguments are not supported");
            }

            if (parameter.IsQubit)
            {
                var qubits = Qubits(argument);
                if (parameter.QubitSize is { } size && ToLong(size.At, Eval(size)) != qubits.Length)
                {
                    throw Error(argument.At, $"'{parameter.Name}' takes {ToLong(size.At, Eval(size))} qubit(s), {qubits.Length} given");
                }

                scope.Declare(parameter.Name, new QubitSymbol(qubits, parameter.QubitSize is not null, Global: false));
            }
            else if (parameter.Type.Name == "bit")
            {
                object value = Eval(argument);
                int width = parameter.Type.Width is null ? 1 : (int)ToLong(parameter.Type.Width.At, Eval(parameter.Type.Width));
                var bits = value is RuntimeBits r ? r.Clbits : Bits(argument);
                if (bits.Length != width)
                {
                    throw Error(argument.At, $"'{parameter.Name}' takes {width} bit(s), {bits.Length} given");
                }

                scope.Declare(parameter.Name, new BitSymbol(bits, parameter.Type.Width is not null, "bit"));
            }
            else
            {
                object value = Eval(argument);
                if (value is RuntimeBits)
                {
                    throw Error(argument.At, $"'{parameter.Name}' would receive a value known only at run time; pass a bit register instead");
                }

                scope.Declare(parameter.Name, new ValueSymbol(Convert(argument.At, value, parameter.Type), parameter.Type, isConst: false));
            }
        }

        var saved = _scope;
        int savedLoops = _loopDepth;
        _scope = scope;

        // A subroutine's body is outside the caller's loops: a 'break' there is an error, not the caller's break.
        _loopDepth = 0;
        try
        {
            if (Statements(definition.Body) != Flow.Return)
            {
                return definition.Returns is null ? null : throw Error(definition.At, $"subroutine '{definition.Name}' ends without 'return'");
            }

            object? value = _returnValue;
            _returnValue = null;
            if (value is MeasureExpr measure)
            {
                var qubits = Qubits(measure.Operand);
                var bits = destination ?? AllocateScratch(qubits.Length);
                Measure(measure.At, measure.Operand, null, bits);
                return new RuntimeBits(bits);
            }

            if (destination is not null && value is not null)
            {
                StoreBits(call.At, destination, value);
            }

            return value;
        }
        finally
        {
            _scope = saved;
            _loopDepth = savedLoops;
            _inlineDepth--;
        }
    }

    // ---- Expressions ----------------------------------------------------------------------------------------------

    private static readonly HashSet<string> MathFunctions =
        ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "exp", "ln", "log", "sqrt", "abs", "floor", "ceiling", "mod", "pow", "popcount", "real", "imag"];

    private object Eval(Expr e)
    {
        switch (e)
        {
            case LiteralExpr literal:
                return literal.Value;
            case DurationExpr duration:
                throw Error(duration.At, "a duration is only allowed in delay[…]");
            case NameExpr name:
                return Name(name);
            case IndexExpr index:
                return Index(index);
            case UnaryExpr unary:
                {
                    object operand = Eval(unary.Operand);
                    if (operand is RuntimeBits)
                    {
                        return operand; // only meaningful as a run-time test; Condition() builds it
                    }

                    return unary.Operator switch
                    {
                        "-" => operand is double d ? -d : -ToLong(unary.At, operand),
                        "!" => !ToBool(unary.At, operand),
                        _ => ~ToLong(unary.At, operand),
                    };
                }

            case BinaryExpr binary:
                {
                    if (binary.Operator is "&&" or "||")
                    {
                        object l = Eval(binary.Left);
                        if (l is RuntimeBits)
                        {
                            return l;
                        }

                        bool left = ToBool(binary.Left.At, l);
                        if (binary.Operator == "&&" ? !left : left)
                        {
                            return left;
                        }

                        object r = Eval(binary.Right);
                        return r is RuntimeBits ? r : ToBool(binary.Right.At, r);
                    }

                    object a = Eval(binary.Left), b = Eval(binary.Right);
                    if (a is RuntimeBits || b is RuntimeBits)
                    {
                        return a is RuntimeBits ? a : b; // only meaningful as a run-time test; Condition() builds it
                    }

                    return Binary(binary.At, binary.Operator, a, b);
                }

            case CastExpr cast:
                {
                    object value = Eval(cast.Operand);
                    if (value is RuntimeBits bits)
                    {
                        return cast.Type.Name is "int" or "uint" or "bool" or "bit" ? bits
                            : throw Error(cast.At, $"converting bits known only at run time to {cast.Type.Name} is not supported");
                    }

                    return Convert(cast.At, value, cast.Type);
                }

            case CallExpr call:
                if (_scope.Find(call.Name) is SubroutineSymbol)
                {
                    return Call(call, null) ?? throw Error(call.At, $"subroutine '{call.Name}' returns nothing");
                }

                return Function(call);
            case MeasureExpr measure:
                throw Error(measure.At, "measure here is not supported; write 'b = measure q;' or 'measure q -> b;'");
            case PhysicalQubitExpr physical:
                throw Error(physical.At, "physical qubits ($n) are not supported; declare qubits with 'qubit[n] q;'");
            case UnsupportedExpr unsupported:
                throw Error(unsupported.At, $"'{unsupported.Construct}' is not supported");
            case SetExpr set:
                throw Error(set.At, "a set {…} is only allowed as a for-loop range");
            case RangeExpr range:
                throw Error(range.At, "a range is only allowed in an index or a for loop");
            default:
                throw Error(e.At, "this expression is not supported");
        }
    }

    private object Name(NameExpr name)
    {
        switch (name.Name)
        {
            case "pi" or "π":
                return Math.PI;
            case "tau" or "τ":
                return 2 * Math.PI;
            case "euler" or "ℇ":
                return Math.E;
        }

        var symbol = _scope.Find(name.Name) ?? throw Error(name.At, $"'{name.Name}' is not declared");
        return symbol switch
        {
            ValueSymbol v => v.Value,
            BitSymbol b => BitsValue(b.Clbits, b.IsRegister),
            QubitSymbol => throw Error(name.At, $"'{name.Name}' is a qubit, not a value"),
            _ => throw Error(name.At, $"'{name.Name}' is not a value"),
        };
    }

    /// <summary>The value of bits: an integer (or bool for a single bit) when all are known here, else run-time bits.</summary>
    private object BitsValue(int[] clbits, bool isRegister)
    {
        if (_runtimeBranchDepth == 0 && clbits.All(_knownBits.ContainsKey))
        {
            long v = 0;
            for (int i = 0; i < clbits.Length; i++)
            {
                v |= (_knownBits[clbits[i]] ? 1L : 0L) << i;
            }

            return isRegister ? v : v == 1;
        }

        return new RuntimeBits(clbits);
    }

    private object Index(IndexExpr index)
    {
        if (index.Target is NameExpr n && _scope.Find(n.Name) is BitSymbol bits)
        {
            return BitsValue(Select(index, bits.Clbits), isRegister: index.Indices[0] is RangeExpr or SetExpr);
        }

        object target = Eval(index.Target);
        if (target is RuntimeBits runtime)
        {
            return new RuntimeBits(Select(index, runtime.Clbits));
        }

        if (index.Indices.Length == 1 && index.Indices[0] is not RangeExpr)
        {
            long value = ToLong(index.Target.At, target);
            long bit = ToLong(index.Indices[0].At, Eval(index.Indices[0]));
            return ((value >> (int)bit) & 1) == 1;
        }

        throw Error(index.At, "this index is not supported");
    }

    private int[] Select(IndexExpr index, int[] items)
    {
        if (index.Indices.Length != 1)
        {
            throw Error(index.At, "multi-dimensional indices are not supported");
        }

        var spec = index.Indices[0];
        if (spec is RangeExpr range)
        {
            long start = range.Start is null ? 0 : ToLong(range.Start.At, Eval(range.Start));
            long end = range.End is null ? items.Length - 1 : ToLong(range.End.At, Eval(range.End));
            long step = range.Step is null ? 1 : ToLong(range.Step.At, Eval(range.Step));
            start = start < 0 ? items.Length + start : start;
            end = end < 0 ? items.Length + end : end;
            if (step == 0)
            {
                throw Error(range.At, "a range step of 0");
            }

            var picked = new List<int>();
            for (long i = start; step > 0 ? i <= end : i >= end; i += step)
            {
                picked.Add(Item(range.At, items, i));
            }

            return [.. picked];
        }

        if (spec is SetExpr set)
        {
            return set.Items.Select(i => Item(i.At, items, ToLong(i.At, Eval(i)))).ToArray();
        }

        return [Item(spec.At, items, ToLong(spec.At, Eval(spec)))];
    }

    private int Item(Token at, int[] items, long i)
    {
        long k = i < 0 ? items.Length + i : i;
        if (k < 0 || k >= items.Length)
        {
            throw Error(at, $"index {i} is out of range (size {items.Length})");
        }

        return items[k];
    }

    private int[] Qubits(Expr e)
    {
        switch (e)
        {
            case NameExpr n:
                return _scope.Find(n.Name) is QubitSymbol q ? q.Qubits : throw Error(n.At, _scope.Find(n.Name) is null ? $"unknown qubit or register '{n.Name}'" : $"'{n.Name}' is not a qubit");
            case IndexExpr index when index.Target is NameExpr n:
                return _scope.Find(n.Name) switch
                {
                    QubitSymbol reg => Select(index, reg.Qubits),
                    null => throw Error(n.At, $"unknown qubit register '{n.Name}'"),
                    _ => throw Error(n.At, $"'{n.Name}' is not a qubit register"),
                };
            case PhysicalQubitExpr p:
                throw Error(p.At, $"physical qubit ${p.Index} is not supported; declare qubits with 'qubit[n] q;'");
            default:
                throw Error(e.At, "expected a qubit or a qubit register");
        }
    }

    private int[] Bits(Expr e)
    {
        switch (e)
        {
            case NameExpr n:
                return _scope.Find(n.Name) is BitSymbol b ? b.Clbits : throw Error(n.At, _scope.Find(n.Name) is null ? $"'{n.Name}' is not declared" : $"'{n.Name}' is not a bit register");
            case IndexExpr index when index.Target is NameExpr n:
                return _scope.Find(n.Name) switch
                {
                    BitSymbol reg => Select(index, reg.Clbits),
                    ValueSymbol v => throw Error(n.At, $"'{n.Name}' is {Article(v.Type.Name)} {v.Type.Name}; measurement results go into bit registers ({v.Type.Name} bits set at run time are not supported)"),
                    _ => throw Error(n.At, $"'{n.Name}' is not a bit register"),
                };
            default:
                throw Error(e.At, "expected a bit or a bit register");
        }
    }

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    private object Function(CallExpr call)
    {
        var args = call.Arguments.Select(Eval).ToArray();
        if (args.Any(a => a is RuntimeBits))
        {
            throw Error(call.At, $"'{call.Name}' of bits known only at run time is not supported");
        }

        double Arg(int i) => i < args.Length ? ToDouble(call.Arguments[i].At, args[i]) : throw Error(call.At, $"'{call.Name}' needs {i + 1} argument(s)");
        return call.Name switch
        {
            "sin" => Math.Sin(Arg(0)),
            "cos" => Math.Cos(Arg(0)),
            "tan" => Math.Tan(Arg(0)),
            "arcsin" => Math.Asin(Arg(0)),
            "arccos" => Math.Acos(Arg(0)),
            "arctan" => Math.Atan(Arg(0)),
            "exp" => Math.Exp(Arg(0)),
            "ln" or "log" => Math.Log(Arg(0)),
            "sqrt" => Math.Sqrt(Arg(0)),
            "abs" => args[0] is long l ? Math.Abs(l) : Math.Abs(Arg(0)),
            "floor" => Math.Floor(Arg(0)),
            "ceiling" => Math.Ceiling(Arg(0)),
            "mod" => args[0] is long a && args.Length > 1 && args[1] is long b ? a % b : Arg(0) % Arg(1),
            "pow" => Math.Pow(Arg(0), Arg(1)),
            "popcount" => (long)ulong.PopCount((ulong)ToLong(call.At, args[0])),
            _ => throw Error(call.At, _scope.Find(call.Name) is null ? $"unknown function '{call.Name}'" : $"'{call.Name}' is not a function"),
        };
    }

    private object Binary(Token at, string op, object a, object b)
    {
        if (a is BitString sa)
        {
            a = BitStringValue(sa);
        }

        if (b is BitString sb)
        {
            b = BitStringValue(sb);
        }

        bool isFloat = a is double || b is double;
        switch (op)
        {
            case "+": return isFloat ? ToDouble(at, a) + ToDouble(at, b) : ToLong(at, a) + ToLong(at, b);
            case "-": return isFloat ? ToDouble(at, a) - ToDouble(at, b) : ToLong(at, a) - ToLong(at, b);
            case "*": return isFloat ? ToDouble(at, a) * ToDouble(at, b) : ToLong(at, a) * ToLong(at, b);
            case "/":
                if (isFloat)
                {
                    return ToDouble(at, a) / ToDouble(at, b);
                }

                return ToLong(at, b) == 0 ? throw Error(at, "division by zero") : ToLong(at, a) / ToLong(at, b);
            case "%": return isFloat ? ToDouble(at, a) % ToDouble(at, b) : ToLong(at, b) == 0 ? throw Error(at, "division by zero") : ToLong(at, a) % ToLong(at, b);
            case "**":
                return !isFloat && ToLong(at, b) >= 0 ? (long)Math.Pow(ToLong(at, a), ToLong(at, b)) : Math.Pow(ToDouble(at, a), ToDouble(at, b));
            case "==": return isFloat ? ToDouble(at, a) == ToDouble(at, b) : Comparable(at, a) == Comparable(at, b);
            case "!=": return isFloat ? ToDouble(at, a) != ToDouble(at, b) : Comparable(at, a) != Comparable(at, b);
            case "<": return ToDouble(at, a) < ToDouble(at, b);
            case "<=": return ToDouble(at, a) <= ToDouble(at, b);
            case ">": return ToDouble(at, a) > ToDouble(at, b);
            case ">=": return ToDouble(at, a) >= ToDouble(at, b);
            case "&": return ToLong(at, a) & ToLong(at, b);
            case "|": return ToLong(at, a) | ToLong(at, b);
            case "^": return ToLong(at, a) ^ ToLong(at, b);
            case "<<": return ToLong(at, a) << (int)ToLong(at, b);
            case ">>": return ToLong(at, a) >> (int)ToLong(at, b);
            default: throw Error(at, $"operator '{op}' is not supported");
        }
    }

    private long Comparable(Token at, object v) => v is bool b ? (b ? 1 : 0) : ToLong(at, v);

    private static long BitStringValue(BitString s)
    {
        long v = 0;
        foreach (char ch in s.Bits)
        {
            v = (v << 1) | (ch == '1' ? 1L : 0L);
        }

        return v;
    }

    private object Convert(Token at, object value, TypeRef type)
    {
        if (value is BitString s)
        {
            value = BitStringValue(s);
        }

        long? width = type.Width is null ? null : ToLong(type.Width.At, Eval(type.Width));
        switch (type.Name)
        {
            case "bool":
                return ToBool(at, value);
            case "float":
                return ToDouble(at, value);
            case "angle":
                {
                    double angle = ToDouble(at, value) % (2 * Math.PI);
                    return angle < 0 ? angle + (2 * Math.PI) : angle;
                }

            case "int" or "uint" or "bit":
                {
                    long v = value is double d ? (long)Math.Truncate(d) : ToLong(at, value is bool b ? (b ? 1L : 0L) : value);
                    if (width is { } w and > 0 and < 64)
                    {
                        long mask = (1L << (int)w) - 1;
                        v &= mask;
                        if (type.Name == "int" && (v & (1L << ((int)w - 1))) != 0)
                        {
                            v -= 1L << (int)w;
                        }
                    }

                    return type.Name == "bit" && width is null ? v != 0 : v;
                }

            default:
                throw Error(at, $"'{type.Name}' values are not supported");
        }
    }

    private double Duration(Expr e)
    {
        if (e is DurationExpr d)
        {
            return d.Unit switch
            {
                "ns" => d.Value * 1e-9,
                "us" or "µs" => d.Value * 1e-6,
                "ms" => d.Value * 1e-3,
                "s" => d.Value,
                _ => throw Error(d.At, "durations in device cycles (dt) are not supported; give ns, us, ms or s"),
            };
        }

        if (e is BinaryExpr { Operator: "*" } product)
        {
            if (product.Left is DurationExpr)
            {
                return Duration(product.Left) * ToDouble(product.Right.At, Eval(product.Right));
            }

            if (product.Right is DurationExpr)
            {
                return Duration(product.Right) * ToDouble(product.Left.At, Eval(product.Left));
            }
        }

        if (e is BinaryExpr { Operator: "+" or "-" } sum)
        {
            double l = Duration(sum.Left), r = Duration(sum.Right);
            return sum.Operator == "+" ? l + r : l - r;
        }

        if (e is NameExpr n)
        {
            throw Error(n.At, $"'{n.Name}' is not a duration VnQuantum knows (stretch and duration variables are not supported)");
        }

        throw Error(e.At, "expected a duration such as 100ns");
    }

    private double ToDouble(Token at, object v) => v switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        BitString s => BitStringValue(s),
        RuntimeBits => throw Error(at, "this value is known only at run time (from a measurement); gate parameters and loop bounds must be known when the program is compiled"),
        _ => throw Error(at, "expected a number"),
    };

    private long ToLong(Token at, object v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => (long)d,
        BitString s => BitStringValue(s),
        double => throw Error(at, $"expected an integer, found {((double)v).ToString(CultureInfo.InvariantCulture)}"),
        RuntimeBits => throw Error(at, "this value is known only at run time (from a measurement); VnQuantum needs it when the program is compiled"),
        _ => throw Error(at, "expected an integer"),
    };

    private bool ToBool(Token at, object v) => v switch
    {
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        BitString s => BitStringValue(s) != 0,
        RuntimeBits => throw Error(at, "this test depends on a measurement; it is allowed in if and while"),
        _ => throw Error(at, "expected a bool"),
    };

    private int PositiveInt(Expr e, string what)
    {
        long v = ToLong(e.At, Eval(e));
        return v is >= 1 and <= 1 << 20 ? (int)v : throw Error(e.At, $"{what} must be between 1 and {1 << 20}, not {v}");
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
            _ => op,
        };
    }

    private static ClassicalCondition Remap(ClassicalCondition c, int[] map) => c switch
    {
        CompareCondition compare => compare with { Bits = [.. compare.Bits.Select(b => map[b])] },
        NotCondition not => new NotCondition(Remap(not.Operand, map)),
        LogicalCondition logical => new LogicalCondition(logical.IsAnd, Remap(logical.Left, map), Remap(logical.Right, map)),
        _ => c,
    };
}

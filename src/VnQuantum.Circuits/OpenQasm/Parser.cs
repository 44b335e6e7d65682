using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>
/// Recursive-descent parser for OpenQASM 2.0 (Cross et al. 2017) that builds the circuit IR as it goes, inlining
/// user gate definitions. Every limit that could otherwise exhaust the stack or memory (expression nesting, gate
/// nesting, include depth and cycles, register sizes, expanded size) is checked and reported as an error.
/// </summary>
internal sealed class Parser
{
    public const int MaxIncludeDepth = 16;
    public const int MaxExpressionDepth = 128;
    public const int MaxGateNesting = 128;
    public const int MaxRegisterSize = 1 << 20;
    public const long MaxOperations = 20_000_000;

    private readonly Dictionary<string, GateSymbol> _gates = new(StringComparer.Ordinal);
    private readonly List<Register> _quantumRegisters = [];
    private readonly List<Register> _classicalRegisters = [];
    private readonly List<Operation> _operations = [];
    private readonly List<SourceLocation?> _locations = [];
    private readonly List<OpaqueDeclaration> _opaque = [];
    private readonly Stack<string> _includeStack = new();
    private bool _qelibIncluded;
    private int _qubitCount;
    private int _clbitCount;

    // The file being parsed.
    private List<Token> _tokens = [];
    private int _position;
    private string _file = "<input>";
    private int _expressionDepth;

    private Parser()
    {
        foreach (var gate in StandardGates.Intrinsic.Values)
        {
            _gates[gate.Name] = new BuiltinGate(gate);
        }
    }

    public static QasmParseResult Parse(string source, string file)
    {
        var parser = new Parser();
        try
        {
            parser.ParseProgram(source, file, isInclude: false);
            var circuit = new Circuit(
                [.. parser._quantumRegisters],
                [.. parser._classicalRegisters],
                [.. parser._operations],
                [.. parser._opaque],
                [.. parser._locations]);
            return QasmParseResult.Success(circuit);
        }
        catch (QasmException e)
        {
            return QasmParseResult.Failure(e.Diagnostic);
        }
    }

    private abstract record GateSymbol(string Name, int ParameterCount, int QubitCount)
    {
        public abstract long ExpandedSize { get; }

        public abstract int Nesting { get; }
    }

    private sealed record BuiltinGate(StandardGate Gate) : GateSymbol(Gate.Name, Gate.ParameterCount, Gate.QubitCount)
    {
        public override long ExpandedSize => 1;

        public override int Nesting => 0;
    }

    private sealed record OpaqueGate(string N, int P, int Q) : GateSymbol(N, P, Q)
    {
        public override long ExpandedSize => 1;

        public override int Nesting => 0;
    }

    private sealed record UserGate(string N, int P, int Q, List<BodyStatement> Body, long Size, int Depth) : GateSymbol(N, P, Q)
    {
        public override long ExpandedSize => Size;

        public override int Nesting => Depth;
    }

    /// <summary>A gate call (or a barrier, when <see cref="Gate"/> is null) inside a gate body; arguments index the definition's qubits.</summary>
    private sealed record BodyStatement(GateSymbol? Gate, Expression[] Parameters, int[] Arguments);

    private void ParseProgram(string source, string file, bool isInclude)
    {
        var savedTokens = _tokens;
        var savedPosition = _position;
        var savedFile = _file;
        _file = file;
        _tokens = Lexer.Tokenize(source, file);
        _position = 0;
        try
        {
            if (Peek.Is("OPENQASM"))
            {
                ParseVersion();
            }

            while (Peek.Kind != TokenKind.End)
            {
                ParseStatement();
            }
        }
        finally
        {
            _tokens = savedTokens;
            _position = savedPosition;
            _file = savedFile;
        }
    }

    private Token Peek => _tokens[_position];

    private Token Next() => _tokens[_position < _tokens.Count - 1 ? _position++ : _position];

    private QasmException Error(Token at, string message) => new(new QasmDiagnostic(_file, at.Line, at.Column, message));

    private Token Expect(string symbol)
    {
        var token = Peek;
        if (!token.Is(symbol) || token.Kind == TokenKind.String)
        {
            throw Error(token, $"expected '{symbol}' but found {token.Describe()}");
        }

        return Next();
    }

    private Token ExpectIdentifier(string what)
    {
        var token = Peek;
        if (token.Kind != TokenKind.Identifier)
        {
            throw Error(token, $"expected {what} but found {token.Describe()}");
        }

        return Next();
    }

    private int ExpectInteger(string what, int max)
    {
        var token = Peek;
        if (token.Kind != TokenKind.Integer)
        {
            throw Error(token, $"expected {what} (a non-negative integer) but found {token.Describe()}");
        }

        Next();
        if (!int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > max)
        {
            throw Error(token, $"{what} {token.Text} is too large (at most {max})");
        }

        return value;
    }

    private void ParseVersion()
    {
        Next();
        var version = Peek;
        if (version.Kind is not (TokenKind.Real or TokenKind.Integer))
        {
            throw Error(version, $"expected a version number after OPENQASM but found {version.Describe()}");
        }

        Next();
        if (version.Text is not ("2" or "2.0"))
        {
            string hint = version.Text.StartsWith('3') ? "; this front end reads OpenQASM 2.0" : version.Text.StartsWith('2') ? "; OpenQASM 2 has only version 2.0" : string.Empty;
            throw Error(version, $"unsupported OpenQASM version {version.Text}{hint}");
        }

        Expect(";");
    }

    private void ParseStatement()
    {
        var token = Peek;
        if (token.Kind != TokenKind.Identifier)
        {
            throw Error(token, $"expected a statement but found {token.Describe()}");
        }

        switch (token.Text)
        {
            case "OPENQASM":
                throw Error(token, "the OPENQASM version line must be the first statement of the program");
            case "include":
                ParseInclude();
                break;
            case "qreg":
            case "creg":
                ParseRegister();
                break;
            case "gate":
                ParseGateDefinition();
                break;
            case "opaque":
                ParseOpaque();
                break;
            case "if":
                ParseIf();
                break;
            default:
                ParseQuantumOperation(null);
                break;
        }

    }

    private void ParseInclude()
    {
        var keyword = Next();
        var name = Peek;
        if (name.Kind != TokenKind.String)
        {
            throw Error(name, $"expected a file name in double quotes after include but found {name.Describe()}");
        }

        Next();
        Expect(";");
        if (name.Text == "qelib1.inc")
        {
            IncludeQelib1();
            return;
        }

        if (_includeStack.Count >= MaxIncludeDepth)
        {
            throw Error(keyword, $"includes nested more than {MaxIncludeDepth} deep");
        }

        string path, source;
        try
        {
            string directory = _file.StartsWith('<') ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(_file)) ?? ".";
            path = Path.GetFullPath(Path.Combine(directory, name.Text));
            if (_includeStack.Contains(path) || path == SafeFullPath(_file))
            {
                throw Error(name, $"include cycle: '{name.Text}' is already being included");
            }

            source = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Error(name, $"cannot read include file '{name.Text}': {e.Message}");
        }

        _includeStack.Push(path);
        try
        {
            ParseProgram(source, RelativeName(path), isInclude: true);
        }
        finally
        {
            _includeStack.Pop();
        }
    }

    private static string SafeFullPath(string file)
    {
        try
        {
            return file.StartsWith('<') ? file : Path.GetFullPath(file);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return file;
        }
    }

    private static string RelativeName(string path)
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private void IncludeQelib1()
    {
        if (_qelibIncluded)
        {
            return;
        }

        _qelibIncluded = true;
        foreach (var gate in StandardGates.Qelib1.Values)
        {
            _gates.TryAdd(gate.Name, new BuiltinGate(gate));
        }

        // The relative-phase Toffolis, defined in OpenQASM like the other gates a program defines.
        var savedOps = _operations.Count;
        ParseProgram(StandardGates.Prelude, "<qelib1.inc>", isInclude: true);
        if (_operations.Count != savedOps)
        {
            throw new InvalidOperationException("The qelib1 prelude must only define gates.");
        }
    }

    private void ParseRegister()
    {
        var keyword = Next();
        var name = ExpectIdentifier("a register name");
        Expect("[");
        var sizeToken = Peek;
        int size = ExpectInteger("register size", MaxRegisterSize);
        if (size == 0)
        {
            throw Error(sizeToken, $"register '{name.Text}' must have at least one element");
        }

        Expect("]");
        Expect(";");
        if (FindRegister(name.Text) is not null)
        {
            throw Error(name, $"register '{name.Text}' is already declared");
        }

        if (keyword.Text == "qreg")
        {
            if (_qubitCount + (long)size > MaxRegisterSize)
            {
                throw Error(sizeToken, $"more than {MaxRegisterSize} qubits in all");
            }

            _quantumRegisters.Add(new Register(name.Text, size, _qubitCount));
            _qubitCount += size;
        }
        else
        {
            if (_clbitCount + (long)size > MaxRegisterSize)
            {
                throw Error(sizeToken, $"more than {MaxRegisterSize} classical bits in all");
            }

            _classicalRegisters.Add(new Register(name.Text, size, _clbitCount));
            _clbitCount += size;
        }
    }

    private Register? FindRegister(string name) =>
        _quantumRegisters.Find(r => r.Name == name) ?? _classicalRegisters.Find(r => r.Name == name);

    private (List<string> Parameters, List<string> Qubits) ParseGateSignature(Token name)
    {
        var parameters = new List<string>();
        if (Peek.Is("("))
        {
            Next();
            if (!Peek.Is(")"))
            {
                parameters.Add(ExpectIdentifier("a parameter name").Text);
                while (Peek.Is(","))
                {
                    Next();
                    parameters.Add(ExpectIdentifier("a parameter name").Text);
                }
            }

            Expect(")");
        }

        var qubits = new List<string> { ExpectIdentifier("a qubit argument name").Text };
        while (Peek.Is(","))
        {
            Next();
            qubits.Add(ExpectIdentifier("a qubit argument name").Text);
        }

        var duplicate = parameters.Concat(qubits).GroupBy(s => s).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Error(name, $"'{duplicate.Key}' is declared twice in the signature of gate '{name.Text}'");
        }

        return (parameters, qubits);
    }

    private void CheckRedefinition(Token name)
    {
        if (_gates.TryGetValue(name.Text, out var existing))
        {
            if (existing is BuiltinGate { Gate.InOriginalQelib: true })
            {
                throw Error(name, $"gate '{name.Text}' is built in (qelib1.inc) and cannot be redefined");
            }

            if (existing is not BuiltinGate)
            {
                throw Error(name, $"gate '{name.Text}' is already defined");
            }
        }
    }

    private void ParseGateDefinition()
    {
        Next();
        var name = ExpectIdentifier("a gate name");
        CheckRedefinition(name);
        var (parameters, qubits) = ParseGateSignature(name);
        Expect("{");
        var body = new List<BodyStatement>();
        long size = 0;
        int depth = 0;
        while (!Peek.Is("}"))
        {
            var token = Peek;
            if (token.Kind == TokenKind.End)
            {
                throw Error(token, $"the body of gate '{name.Text}' has no closing '}}'");
            }

            if (token.Is("barrier"))
            {
                Next();
                var args = ParseBodyArguments(qubits, allowRepeats: true);
                body.Add(new BodyStatement(null, [], args));
                size++;
                continue;
            }

            var gateToken = ExpectIdentifier("a gate call");
            if (gateToken.Text is "measure" or "reset" or "if" or "qreg" or "creg" or "gate" or "opaque" or "include")
            {
                throw Error(gateToken, $"'{gateToken.Text}' is not allowed inside a gate definition");
            }

            if (gateToken.Text == name.Text)
            {
                throw Error(gateToken, $"gate '{name.Text}' cannot call itself");
            }

            var gate = ResolveGate(gateToken);
            var expressions = ParseParameterList(parameters);
            var arguments = ParseBodyArguments(qubits, allowRepeats: false);
            CheckShape(gateToken, gate, expressions.Length, arguments.Length);
            body.Add(new BodyStatement(gate, expressions, arguments));
            size = SaturatingAdd(size, gate.ExpandedSize);
            depth = Math.Max(depth, gate.Nesting + 1);
        }

        Next();
        if (depth > MaxGateNesting)
        {
            throw Error(name, $"gate '{name.Text}' nests gate definitions more than {MaxGateNesting} deep");
        }

        _gates[name.Text] = new UserGate(name.Text, parameters.Count, qubits.Count, body, size, depth);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private int[] ParseBodyArguments(List<string> qubits, bool allowRepeats)
    {
        var result = new List<int>();
        do
        {
            if (result.Count > 0)
            {
                Next();
            }

            var token = ExpectIdentifier("a qubit argument");
            if (Peek.Is("["))
            {
                throw Error(Peek, "qubit arguments inside a gate definition cannot be indexed");
            }

            int index = qubits.IndexOf(token.Text);
            if (index < 0)
            {
                throw Error(token, $"'{token.Text}' is not a qubit argument of this gate{NameSuggestion.Suggest(token.Text, qubits)}");
            }

            if (!allowRepeats && result.Contains(index))
            {
                throw Error(token, $"qubit argument '{token.Text}' is used twice in one gate call");
            }

            result.Add(index);
        }
        while (Peek.Is(","));
        Expect(";");
        return [.. result];
    }

    private void ParseOpaque()
    {
        Next();
        var name = ExpectIdentifier("a gate name");
        CheckRedefinition(name);
        var (parameters, qubits) = ParseGateSignature(name);
        Expect(";");
        _gates[name.Text] = new OpaqueGate(name.Text, parameters.Count, qubits.Count);
        _opaque.Add(new OpaqueDeclaration(name.Text, parameters.Count, qubits.Count));
    }

    private void ParseIf()
    {
        Next();
        Expect("(");
        var name = ExpectIdentifier("a classical register name");
        var register = _classicalRegisters.Find(r => r.Name == name.Text)
            ?? throw Error(name, $"'{name.Text}' is not a classical register{NameSuggestion.Suggest(name.Text, _classicalRegisters.Select(r => r.Name))}");
        Expect("==");
        var valueToken = Peek;
        if (valueToken.Kind != TokenKind.Integer)
        {
            throw Error(valueToken, $"expected an integer to compare '{name.Text}' with but found {valueToken.Describe()}");
        }

        Next();
        // Registers of any width, and values to match (QASMBench's cc_n151 compares 151 bits with 2^150).
        var value = BigInteger.Parse(valueToken.Text, NumberStyles.None, CultureInfo.InvariantCulture);

        Expect(")");
        if (Peek.Is("if"))
        {
            throw Error(Peek, "nested if is not allowed in OpenQASM 2");
        }

        ParseQuantumOperation(new Condition(register, value));
    }

    private void ParseQuantumOperation(Condition? condition)
    {
        var token = ExpectIdentifier("a quantum operation");
        switch (token.Text)
        {
            case "measure":
                {
                    var qubits = ParseArgument(quantum: true);
                    Expect("->");
                    var clbits = ParseArgument(quantum: false);
                    Expect(";");
                    if (qubits.Length != clbits.Length)
                    {
                        throw Error(token, $"measure needs as many classical bits as qubits ({qubits.Length} qubits, {clbits.Length} bits)");
                    }

                    for (int i = 0; i < qubits.Length; i++)
                    {
                        AddOperation(token, 1, new MeasureOperation(qubits[i], clbits[i], condition));
                    }

                    return;
                }

            case "reset":
                {
                    var qubits = ParseArgument(quantum: true);
                    Expect(";");
                    foreach (int q in qubits)
                    {
                        AddOperation(token, 1, new ResetOperation(q, condition));
                    }

                    return;
                }

            case "barrier":
                {
                    if (condition is not null)
                    {
                        throw Error(token, "a barrier cannot be conditioned");
                    }

                    var all = new List<int>();
                    do
                    {
                        if (all.Count > 0)
                        {
                            Next();
                        }

                        all.AddRange(ParseArgument(quantum: true));
                    }
                    while (Peek.Is(","));
                    Expect(";");
                    AddOperation(token, 1, new BarrierOperation([.. all.Distinct()]));
                    return;
                }
        }

        var gate = ResolveGate(token);
        var expressions = ParseParameterList([]);
        var parameters = expressions.Select(e => e.Evaluate([])).ToArray();
        var arguments = new List<(Token Token, int[] Qubits, bool IsRegister)>();
        do
        {
            if (arguments.Count > 0)
            {
                Next();
            }

            var at = Peek;
            bool isRegister = _position + 1 < _tokens.Count && !_tokens[_position + 1].Is("[");
            arguments.Add((at, ParseArgument(quantum: true), isRegister));
        }
        while (Peek.Is(","));
        Expect(";");
        CheckShape(token, gate, parameters.Length, arguments.Count);

        // Broadcasting: every register argument has the same size; single qubits repeat.
        int broadcast = 1;
        foreach (var (at, qubits, isRegister) in arguments)
        {
            if (!isRegister)
            {
                continue;
            }

            if (broadcast != 1 && qubits.Length != 1 && qubits.Length != broadcast)
            {
                throw Error(at, $"registers of different sizes in one gate call ({broadcast} and {qubits.Length})");
            }

            broadcast = Math.Max(broadcast, qubits.Length);
        }

        for (int k = 0; k < broadcast; k++)
        {
            var call = new int[arguments.Count];
            for (int a = 0; a < arguments.Count; a++)
            {
                var qubits = arguments[a].Qubits;
                call[a] = qubits.Length == 1 ? qubits[0] : qubits[k];
            }

            for (int a = 0; a < call.Length; a++)
            {
                for (int b = a + 1; b < call.Length; b++)
                {
                    if (call[a] == call[b])
                    {
                        throw Error(arguments[b].Token, $"qubit {QubitName(call[b])} is used twice in one call of '{gate.Name}'");
                    }
                }
            }

            Emit(token, gate, parameters, call, condition);
        }
    }

    private string QubitName(int qubit)
    {
        var r = _quantumRegisters.Find(x => qubit >= x.Offset && qubit < x.Offset + x.Size)!;
        return $"{r.Name}[{qubit - r.Offset}]";
    }

    private void AddOperation(Token at, long count, Operation operation)
    {
        if (_operations.Count + count > MaxOperations)
        {
            throw Error(at, $"the program expands to more than {MaxOperations:N0} operations");
        }

        Add(at, operation);
    }

    private void Add(Token at, Operation operation)
    {
        _operations.Add(operation);
        _locations.Add(new SourceLocation(_file, at.Line, at.Column));
    }

    private void Emit(Token at, GateSymbol gate, ReadOnlySpan<double> parameters, int[] qubits, Condition? condition)
    {
        if (_operations.Count + gate.ExpandedSize > MaxOperations)
        {
            throw Error(at, $"the program expands to more than {MaxOperations:N0} operations (one call of '{gate.Name}' alone is {gate.ExpandedSize:N0})");
        }

        switch (gate)
        {
            case BuiltinGate builtin:
                Add(at, new GateOperation(builtin.Name, [.. parameters], [.. qubits], condition));
                break;
            case OpaqueGate opaque:
                Add(at, new OpaqueOperation(opaque.Name, [.. parameters], [.. qubits], condition));
                break;
            case UserGate user:
                foreach (var statement in user.Body)
                {
                    var mapped = statement.Arguments.Select(i => qubits[i]).ToArray();
                    if (statement.Gate is null)
                    {
                        if (condition is null)
                        {
                            Add(at, new BarrierOperation([.. mapped.Distinct()]));
                        }

                        continue;
                    }

                    var inner = new double[statement.Parameters.Length];
                    for (int i = 0; i < inner.Length; i++)
                    {
                        inner[i] = statement.Parameters[i].Evaluate(parameters);
                    }

                    Emit(at, statement.Gate, inner, mapped, condition);
                }

                break;
        }
    }

    private GateSymbol ResolveGate(Token token)
    {
        if (_gates.TryGetValue(token.Text, out var gate))
        {
            return gate;
        }

        if (!_qelibIncluded && StandardGates.Qelib1.ContainsKey(token.Text))
        {
            throw Error(token, $"unknown gate '{token.Text}' — it is in qelib1.inc: add 'include \"qelib1.inc\";'");
        }

        if (FindRegister(token.Text) is not null)
        {
            throw Error(token, $"'{token.Text}' is a register, not a gate");
        }

        throw Error(token, $"unknown gate '{token.Text}'{NameSuggestion.Suggest(token.Text, _gates.Keys.Concat(["measure", "reset", "barrier"]))}");
    }

    private void CheckShape(Token at, GateSymbol gate, int parameterCount, int qubitCount)
    {
        if (parameterCount != gate.ParameterCount)
        {
            throw Error(at, $"gate '{gate.Name}' takes {Plural(gate.ParameterCount, "parameter")}, got {parameterCount}");
        }

        if (qubitCount != gate.QubitCount)
        {
            throw Error(at, $"gate '{gate.Name}' acts on {Plural(gate.QubitCount, "qubit")}, got {qubitCount}");
        }
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private Expression[] ParseParameterList(List<string> names)
    {
        if (!Peek.Is("("))
        {
            return [];
        }

        Next();
        var list = new List<Expression>();
        if (!Peek.Is(")"))
        {
            list.Add(ParseExpression(names));
            while (Peek.Is(","))
            {
                Next();
                list.Add(ParseExpression(names));
            }
        }

        Expect(")");
        return [.. list];
    }

    /// <summary>Parses <c>q</c> or <c>q[i]</c> and returns the flat indices it names.</summary>
    private int[] ParseArgument(bool quantum)
    {
        var name = ExpectIdentifier(quantum ? "a qubit or quantum register" : "a classical bit or register");
        var registers = quantum ? _quantumRegisters : _classicalRegisters;
        var register = registers.Find(r => r.Name == name.Text);
        if (register is null)
        {
            var other = (quantum ? _classicalRegisters : _quantumRegisters).Find(r => r.Name == name.Text);
            string kind = quantum ? "quantum" : "classical";
            throw other is not null
                ? Error(name, $"'{name.Text}' is a {(quantum ? "classical" : "quantum")} register; a {kind} one is needed here")
                : Error(name, $"unknown {kind} register '{name.Text}'{NameSuggestion.Suggest(name.Text, registers.Select(r => r.Name))}");
        }

        if (!Peek.Is("["))
        {
            return Enumerable.Range(register.Offset, register.Size).ToArray();
        }

        Next();
        var indexToken = Peek;
        int index = ExpectInteger("an index", int.MaxValue - 1);
        Expect("]");
        if (index >= register.Size)
        {
            throw Error(indexToken, $"{name.Text}[{index}] is out of range: register '{name.Text}' has {Plural(register.Size, quantum ? "qubit" : "bit")}");
        }

        return [register.Offset + index];
    }

    private Expression ParseExpression(List<string> names)
    {
        Enter();
        var left = ParseTerm(names);
        while (Peek.Is("+") || Peek.Is("-"))
        {
            char op = Next().Text[0];
            left = new BinaryExpression(op, left, ParseTerm(names));
        }

        _expressionDepth--;
        return left;
    }

    private Expression ParseTerm(List<string> names)
    {
        var left = ParseUnary(names);
        while (Peek.Is("*") || Peek.Is("/"))
        {
            char op = Next().Text[0];
            left = new BinaryExpression(op, left, ParseUnary(names));
        }

        return left;
    }

    private Expression ParseUnary(List<string> names)
    {
        Enter();
        Expression result;
        if (Peek.Is("-"))
        {
            Next();
            result = new NegateExpression(ParseUnary(names));
        }
        else if (Peek.Is("+"))
        {
            Next();
            result = ParseUnary(names);
        }
        else
        {
            var basis = ParsePrimary(names);
            result = Peek.Is("^") ? new BinaryExpression('^', basis, ParsePower(names)) : basis;
        }

        _expressionDepth--;
        return result;
    }

    private Expression ParsePower(List<string> names)
    {
        Next();
        return ParseUnary(names);
    }

    private void Enter()
    {
        if (++_expressionDepth > MaxExpressionDepth)
        {
            throw Error(Peek, $"expression nested more than {MaxExpressionDepth} deep");
        }
    }

    private Expression ParsePrimary(List<string> names)
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Integer:
            case TokenKind.Real:
                return new NumberExpression(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Identifier:
                if (token.Text == "pi")
                {
                    return new NumberExpression(Math.PI);
                }

                if (CallExpression.Functions.Contains(token.Text))
                {
                    Expect("(");
                    var argument = ParseExpression(names);
                    Expect(")");
                    return new CallExpression(token.Text, argument);
                }

                int index = names.IndexOf(token.Text);
                if (index >= 0)
                {
                    return new ParameterExpression(index);
                }

                throw Error(token, names.Count == 0
                    ? $"unknown identifier '{token.Text}' in an expression (only pi, numbers and sin cos tan exp ln sqrt are allowed here)"
                    : $"unknown parameter '{token.Text}'{NameSuggestion.Suggest(token.Text, names)}");
            default:
                if (token.Is("("))
                {
                    var inner = ParseExpression(names);
                    Expect(")");
                    return inner;
                }

                throw Error(token, $"expected an expression but found {token.Describe()}");
        }
    }
}

using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>
/// Parses OpenQASM 3 text into a syntax tree. It accepts the language's whole statement grammar, so that constructs
/// outside what VnQuantum runs (pulse-level defcal and cal, extern, arrays, stretch and durations) still parse and are
/// refused later with their location, never skipped silently. Recursion depth is bounded.
/// </summary>
internal sealed class Qasm3Parser
{
    private const int MaxDepth = 200;

    private static readonly HashSet<string> ClassicalTypes = ["bit", "int", "uint", "float", "angle", "bool", "complex", "duration", "stretch", "creg"];

    private readonly List<Token> _tokens;
    private readonly string _file;
    private int _position;
    private int _depth;
    private int _physicalQubits;
    private Token? _firstPhysicalQubit;

    private Qasm3Parser(List<Token> tokens, string file)
    {
        _tokens = tokens;
        _file = file;
    }

    public static ImmutableArray<Stmt> Parse(string source, string file)
    {
        var parser = new Qasm3Parser(Lexer.Tokenize(source, file, qasm3: true), file);
        var statements = ImmutableArray.CreateBuilder<Stmt>();
        if (parser.Peek.Is("OPENQASM"))
        {
            parser.Next();
            var version = parser.Next();
            if (version.Kind is not (TokenKind.Integer or TokenKind.Real) || !version.Text.StartsWith('3'))
            {
                throw parser.Error(version, $"this is the OpenQASM 3 front end; version {version.Text} is not 3.x");
            }

            if (version.Text is not ("3" or "3.0" or "3.1"))
            {
                throw parser.Error(version, $"OpenQASM {version.Text} is not a version VnQuantum knows (3, 3.0 and 3.1)");
            }

            parser.Expect(";");
        }

        while (parser.Peek.Kind != TokenKind.End)
        {
            statements.Add(parser.Statement());
        }

        if (parser._firstPhysicalQubit is { } first)
        {
            statements.Insert(0, new PhysicalQubitsStmt(first, parser._physicalQubits));
        }

        return statements.ToImmutable();
    }

    private Token Peek => _tokens[_position];

    private Token PeekAt(int offset) => _tokens[Math.Min(_position + offset, _tokens.Count - 1)];

    private Token Next() => _tokens[_position < _tokens.Count - 1 ? _position++ : _position];

    private QasmException Error(Token at, string message) => new(new QasmDiagnostic(_file, at.Line, at.Column, message));

    private Token Expect(string symbol)
    {
        var token = Next();
        if (!token.Is(symbol))
        {
            throw Error(token, $"expected '{symbol}' but found {token.Describe()}");
        }

        return token;
    }

    private string Identifier(string what)
    {
        var token = Next();
        if (token.Kind != TokenKind.Identifier)
        {
            throw Error(token, $"expected {what} but found {token.Describe()}");
        }

        return token.Text;
    }

    private void Enter(Token at)
    {
        if (++_depth > MaxDepth)
        {
            throw Error(at, $"the program nests deeper than {MaxDepth} levels");
        }
    }

    private ImmutableArray<Stmt> BlockOrStatement()
    {
        if (Peek.Is("{"))
        {
            return Block();
        }

        return [Statement()];
    }

    private ImmutableArray<Stmt> Block()
    {
        var open = Expect("{");
        Enter(open);
        var body = ImmutableArray.CreateBuilder<Stmt>();
        while (!Peek.Is("}"))
        {
            if (Peek.Kind == TokenKind.End)
            {
                throw Error(open, "this '{' has no matching '}'");
            }

            body.Add(Statement());
        }

        Next();
        _depth--;
        return body.ToImmutable();
    }

    /// <summary>Skips a balanced { … } (pulse-level code that is not OpenQASM).</summary>
    private void SkipBraces()
    {
        var open = Expect("{");
        int level = 1;
        while (level > 0)
        {
            var t = Next();
            if (t.Kind == TokenKind.End)
            {
                throw Error(open, "this '{' has no matching '}'");
            }

            level += t.Is("{") ? 1 : t.Is("}") ? -1 : 0;
        }
    }

    private void SkipToSemicolon()
    {
        while (!Peek.Is(";") && Peek.Kind != TokenKind.End)
        {
            if (Peek.Is("{"))
            {
                SkipBraces();
                continue;
            }

            Next();
        }

        Expect(";");
    }

    private Stmt Statement()
    {
        var at = Peek;
        Enter(at);
        try
        {
            return StatementCore(at);
        }
        finally
        {
            _depth--;
        }
    }

    private Stmt StatementCore(Token at)
    {
        if (at.Is("@"))
        {
            // An annotation applies to the statement after it; none is known to VnQuantum, so all are ignored (as
            // the specification allows) and the statement runs as written.
            Next();
            while (Peek.Kind != TokenKind.End && Peek.Line == at.Line)
            {
                Next();
            }

            return Peek.Kind == TokenKind.End || Peek.Is("}") ? new BlockStmt(at, []) : Statement();
        }

        if (at.Is("#"))
        {
            // Pragmas and annotations run to the end of their line.
            Next();
            string name = Peek.Text;
            if (at.Is("#") && name == "pragma" && PeekAt(1).Line == at.Line && PeekAt(1).Kind != TokenKind.End)
            {
                name = PeekAt(1).Text;
            }

            while (Peek.Kind != TokenKind.End && Peek.Line == at.Line)
            {
                Next();
            }

            return new UnsupportedStmt(at, $"pragma '{name}'");
        }

        if (at.Kind != TokenKind.Identifier)
        {
            if (at.Is("{"))
            {
                return new BlockStmt(at, Block());
            }

            if (at.Is("$"))
            {
                return ExpressionOrAssignment(at);
            }

            throw Error(at, $"expected a statement but found {at.Describe()}");
        }

        switch (at.Text)
        {
            case "OPENQASM":
                throw Error(at, "the version statement must come first");
            case "include":
                {
                    Next();
                    var path = Next();
                    if (path.Kind != TokenKind.String)
                    {
                        throw Error(path, "include needs a file name in quotes");
                    }

                    Expect(";");
                    return new IncludeStmt(at, path.Text);
                }

            case "qubit":
                {
                    Next();
                    var size = OptionalSize();
                    string name = Identifier("a qubit name");
                    Expect(";");
                    return new QubitDeclStmt(at, name, size);
                }

            case "qreg" or "creg":
                {
                    // OpenQASM 2's declarations, still accepted: the size follows the name.
                    Next();
                    string name = Identifier("a register name");
                    var size = OptionalSize();
                    Expect(";");
                    return at.Text == "qreg" ? new QubitDeclStmt(at, name, size) : new ClassicalDeclStmt(at, new TypeRef(at, "bit", size), name, null, null);
                }

            case "const" or "input" or "output":
                {
                    Next();
                    return ClassicalDeclaration(at, at.Text);
                }

            case "gate":
                return GateDefinition(at);
            case "def":
                return Subroutine(at);
            case "opaque":
                SkipToSemicolon();
                return new UnsupportedStmt(at, "opaque gate declaration");
            case "defcal":
            case "cal":
                Next();
                while (!Peek.Is("{") && Peek.Kind != TokenKind.End)
                {
                    Next();
                }

                SkipBraces();
                return new CalibrationStmt(at);
            case "let":
                {
                    Next();
                    string name = Identifier("an alias name");
                    Expect("=");
                    var parts = ImmutableArray.CreateBuilder<Expr>();
                    parts.Add(Expression());
                    while (Peek.Is("++"))
                    {
                        Next();
                        parts.Add(Expression());
                    }

                    Expect(";");
                    return new LetStmt(at, name, parts.ToImmutable());
                }

            case "nop":
                {
                    Next();
                    var operands = Peek.Is(";") ? ImmutableArray<Expr>.Empty : OperandList();
                    Expect(";");
                    return new NopStmt(at, operands);
                }

            case "switch":
                return Switch(at);
            case "case" or "default":
                throw Error(at, $"'{at.Text}' outside a switch");
            case "defcalgrammar":
                {
                    Next();
                    var grammar = Next();
                    if (grammar.Kind != TokenKind.String)
                    {
                        throw Error(grammar, "defcalgrammar needs a grammar name in quotes, such as \"openpulse\"");
                    }

                    Expect(";");
                    return new CalibrationStmt(at);
                }

            case "extern":
                return Extern(at);
            case "array":
                return ClassicalDeclaration(at, null);
            case "measure":
                {
                    Next();
                    var operand = Expression();
                    Expr? target = null;
                    if (Peek.Is("->"))
                    {
                        Next();
                        target = Expression();
                    }

                    Expect(";");
                    return new MeasureArrowStmt(at, operand, target);
                }

            case "reset":
                {
                    Next();
                    var operands = OperandList();
                    Expect(";");
                    return new ResetStmt(at, operands);
                }

            case "barrier":
                {
                    Next();
                    var operands = Peek.Is(";") ? ImmutableArray<Expr>.Empty : OperandList();
                    Expect(";");
                    return new BarrierStmt(at, operands);
                }

            case "delay":
                {
                    Next();
                    Expect("[");
                    var duration = Expression();
                    Expect("]");
                    var operands = Peek.Is(";") ? ImmutableArray<Expr>.Empty : OperandList();
                    Expect(";");
                    return new DelayStmt(at, duration, operands);
                }

            case "if":
                {
                    Next();
                    Expect("(");
                    var condition = Expression();
                    Expect(")");
                    var then = BlockOrStatement();
                    ImmutableArray<Stmt>? orElse = null;
                    if (Peek.Is("else"))
                    {
                        Next();
                        orElse = BlockOrStatement();
                    }

                    return new IfStmt(at, condition, then, orElse);
                }

            case "for":
                {
                    Next();
                    TypeRef? type = null;
                    if (ClassicalTypes.Contains(Peek.Text) && PeekAt(1).Kind == TokenKind.Identifier && !PeekAt(1).Is("in"))
                    {
                        type = Type();
                    }
                    else if (ClassicalTypes.Contains(Peek.Text) && PeekAt(1).Is("["))
                    {
                        type = Type();
                    }

                    string variable = Identifier("a loop variable");
                    if (!Next().Is("in"))
                    {
                        throw Error(_tokens[_position - 1], "expected 'in' after the loop variable");
                    }

                    Expr iterable;
                    if (Peek.Is("["))
                    {
                        var open = Next();
                        iterable = RangeOrExpression(open);
                        Expect("]");
                    }
                    else
                    {
                        iterable = Expression();
                    }

                    return new ForStmt(at, type, variable, iterable, BlockOrStatement());
                }

            case "while":
                {
                    Next();
                    Expect("(");
                    var condition = Expression();
                    Expect(")");
                    return new WhileStmt(at, condition, BlockOrStatement());
                }

            case "box":
                {
                    Next();
                    Expr? duration = null;
                    if (Peek.Is("["))
                    {
                        Next();
                        duration = Expression();
                        Expect("]");
                    }

                    return new BoxStmt(at, duration, Block());
                }

            case "return":
                {
                    Next();
                    Expr? value = Peek.Is(";") ? null : Expression();
                    Expect(";");
                    return new ReturnStmt(at, value);
                }

            case "break":
                Next();
                Expect(";");
                return new BreakStmt(at);
            case "continue":
                Next();
                Expect(";");
                return new ContinueStmt(at);
            case "end":
                Next();
                Expect(";");
                return new EndStmt(at);
        }

        if (ClassicalTypes.Contains(at.Text) && (PeekAt(1).Kind == TokenKind.Identifier || PeekAt(1).Is("[")) && !IsCastCall())
        {
            return ClassicalDeclaration(at, null);
        }

        if (at.Text is "ctrl" or "negctrl" or "inv" or "pow" && (PeekAt(1).Is("@") || PeekAt(1).Is("(")) && IsModifierChain())
        {
            return GateCall(at);
        }

        // A gate call is a name, optional (parameters), optional [duration], then operands — not '=' or '('-call-';'.
        if (LooksLikeGateCall())
        {
            return GateCall(at);
        }

        return ExpressionOrAssignment(at);
    }

    private Stmt Switch(Token at)
    {
        Next();
        Expect("(");
        var target = Expression();
        Expect(")");
        var open = Expect("{");
        var cases = ImmutableArray.CreateBuilder<SwitchCase>();
        ImmutableArray<Stmt>? orElse = null;
        while (!Peek.Is("}"))
        {
            var label = Next();
            if (label.Kind == TokenKind.End)
            {
                throw Error(open, "this '{' has no matching '}'");
            }

            if (orElse is not null)
            {
                throw Error(label, "'default' must be the last case of a switch");
            }

            if (label.Is("default"))
            {
                orElse = CaseBody(label);
                continue;
            }

            if (!label.Is("case"))
            {
                throw Error(label, $"expected 'case' or 'default' in a switch but found {label.Describe()}");
            }

            var labels = ImmutableArray.CreateBuilder<Expr>();
            do
            {
                if (labels.Count > 0)
                {
                    Next();
                }

                if (Peek.Is("{") || Peek.Is(":"))
                {
                    break; // a trailing comma
                }

                labels.Add(Expression());
            }
            while (Peek.Is(","));
            if (labels.Count == 0)
            {
                throw Error(label, "a case needs at least one value");
            }

            cases.Add(new SwitchCase(label, labels.ToImmutable(), CaseBody(label)));
        }

        Next();
        if (cases.Count == 0 && orElse is null)
        {
            throw Error(at, "a switch needs at least one case");
        }

        return new SwitchStmt(at, target, cases.ToImmutable(), orElse);
    }

    /// <summary>
    /// A case's block; also Qiskit's pre-1.0 form (ExperimentalFeatures.SWITCH_CASE_V1): "case 0: { … } break;" or
    /// "case 0: stmts break;", where the break ends the case, not a loop.
    /// </summary>
    private ImmutableArray<Stmt> CaseBody(Token label)
    {
        if (!Peek.Is(":"))
        {
            return Block();
        }

        Next();
        var body = ImmutableArray.CreateBuilder<Stmt>();
        while (!Peek.Is("break"))
        {
            if (Peek.Is("case") || Peek.Is("default") || Peek.Is("}") || Peek.Kind == TokenKind.End)
            {
                if (body.Count == 0 && Peek.Is("case"))
                {
                    throw Error(Peek, "falling through to the next case ('case 0: case 1:') is not supported; list the values in one case ('case 0, 1')");
                }

                throw Error(label, "a case in the 'case n:' form ends with 'break;'");
            }

            body.Add(Statement());
        }

        Next();
        Expect(";");
        return body.ToImmutable();
    }

    private bool IsCastCall()
    {
        // int[8](x) or float(x) used as an expression statement; a declaration has a name after the type.
        int i = 1;
        if (PeekAt(i).Is("["))
        {
            int level = 0;
            do
            {
                level += PeekAt(i).Is("[") ? 1 : PeekAt(i).Is("]") ? -1 : 0;
                i++;
            }
            while (level > 0 && PeekAt(i).Kind != TokenKind.End);
        }

        return PeekAt(i).Is("(");
    }

    private bool IsModifierChain()
    {
        int i = 0;
        while (true)
        {
            var t = PeekAt(i);
            if (t.Is("ctrl") || t.Is("negctrl") || t.Is("inv") || t.Is("pow"))
            {
                i++;
                if (PeekAt(i).Is("("))
                {
                    int level = 0;
                    do
                    {
                        level += PeekAt(i).Is("(") ? 1 : PeekAt(i).Is(")") ? -1 : 0;
                        i++;
                    }
                    while (level > 0 && PeekAt(i).Kind != TokenKind.End);
                }

                if (!PeekAt(i).Is("@"))
                {
                    return false;
                }

                i++;
                continue;
            }

            return t.Kind == TokenKind.Identifier;
        }
    }

    private bool LooksLikeGateCall()
    {
        int i = 1;
        if (PeekAt(i).Is("("))
        {
            int level = 0;
            do
            {
                level += PeekAt(i).Is("(") ? 1 : PeekAt(i).Is(")") ? -1 : 0;
                i++;
            }
            while (level > 0 && PeekAt(i).Kind != TokenKind.End);
        }

        if (PeekAt(i).Is("["))
        {
            // name[duration] operands: only if something follows the bracket that is an operand.
            int level = 0;
            int j = i;
            do
            {
                level += PeekAt(j).Is("[") ? 1 : PeekAt(j).Is("]") ? -1 : 0;
                j++;
            }
            while (level > 0 && PeekAt(j).Kind != TokenKind.End);
            if (i == 1 && !(PeekAt(j).Kind == TokenKind.Identifier || PeekAt(j).Is("$")))
            {
                return false; // name[...] followed by '=', an operator or ';' is an indexed variable
            }

            i = j;
        }

        var next = PeekAt(i);
        return next.Kind == TokenKind.Identifier || next.Is("$") || (i > 1 && next.Is(";") && _tokens[_position].Text == "gphase");
    }

    /// <summary>An optional [size].</summary>
    private Expr? OptionalSize()
    {
        if (!Peek.Is("["))
        {
            return null;
        }

        Next();
        var size = Expression();
        Expect("]");
        return size;
    }

    private Stmt ClassicalDeclaration(Token at, string? modifier)
    {
        var type = Type();
        string name = Identifier("a variable name");
        Expr? initializer = null;
        if (Peek.Is("="))
        {
            Next();
            initializer = Peek.Is("measure") ? MeasureExpression() : Expression();
        }

        Expect(";");
        return new ClassicalDeclStmt(at, type, name, initializer, modifier);
    }

    private TypeRef Type()
    {
        var at = Next();
        if (at.Text == "array")
        {
            Expect("[");
            var element = Type();
            var dimensions = ImmutableArray.CreateBuilder<Expr>();
            Expr? count = null;
            while (Peek.Is(","))
            {
                Next();
                if (Peek.Is("#"))
                {
                    // #dim = n: a subroutine parameter that fixes only the number of dimensions.
                    Next();
                    if (!Next().Is("dim"))
                    {
                        throw Error(_tokens[_position - 1], "expected '#dim = n' in an array type");
                    }

                    Expect("=");
                    count = Expression();
                }
                else
                {
                    dimensions.Add(Expression());
                }
            }

            Expect("]");
            if (dimensions.Count == 0 && count is null)
            {
                throw Error(at, "an array type needs its dimensions: array[int[8], 16]");
            }

            return new TypeRef(at, "array", null, IsArray: true, Element: element, Dimensions: dimensions.ToImmutable(), DimensionCount: count);
        }

        if (!ClassicalTypes.Contains(at.Text))
        {
            throw Error(at, $"expected a classical type (bit, int, uint, float, angle, bool) but found {at.Describe()}");
        }

        Expr? width = null;
        if (Peek.Is("["))
        {
            Next();
            if (at.Text == "complex")
            {
                Type();
            }
            else
            {
                width = Expression();
            }

            Expect("]");
        }

        return new TypeRef(at, at.Text == "creg" ? "bit" : at.Text, width);
    }

    private Stmt GateDefinition(Token at)
    {
        Next();
        string name = Identifier("a gate name");
        var parameters = ImmutableArray.CreateBuilder<string>();
        if (Peek.Is("("))
        {
            Next();
            while (!Peek.Is(")"))
            {
                if (parameters.Count > 0)
                {
                    Expect(",");
                    if (Peek.Is(")"))
                    {
                        break; // a trailing comma
                    }
                }

                parameters.Add(Identifier("a parameter name"));
            }

            Next();
        }

        var qubits = ImmutableArray.CreateBuilder<string>();
        while (!Peek.Is("{"))
        {
            if (qubits.Count > 0)
            {
                Expect(",");
                if (Peek.Is("{"))
                {
                    break; // a trailing comma
                }
            }

            qubits.Add(Identifier("a qubit argument name"));
        }

        return new GateDefStmt(at, name, parameters.ToImmutable(), qubits.ToImmutable(), Block());
    }

    /// <summary>extern name(types) -> type;: the signature is read past; the compiler refuses only a call.</summary>
    private Stmt Extern(Token at)
    {
        Next();
        string name = Identifier("an extern function name");
        var open = Expect("(");
        int depth = 1;
        while (depth > 0)
        {
            var t = Next();
            if (t.Kind == TokenKind.End)
            {
                throw Error(open, "this '(' is never closed");
            }

            depth += t.Is("(") ? 1 : t.Is(")") ? -1 : 0;
        }

        if (Peek.Is("->"))
        {
            Next();
            Type();
        }

        Expect(";");
        return new ExternStmt(at, name);
    }

    private Stmt Subroutine(Token at)
    {
        Next();
        string name = Identifier("a subroutine name");
        Expect("(");
        var parameters = ImmutableArray.CreateBuilder<SubroutineParameter>();
        while (!Peek.Is(")"))
        {
            if (parameters.Count > 0)
            {
                Expect(",");
                if (Peek.Is(")"))
                {
                    break; // a trailing comma
                }
            }

            if (Peek.Is("readonly") || Peek.Is("mutable") || Peek.Is("array"))
            {
                bool mutable = Peek.Is("mutable");
                if (!Peek.Is("array"))
                {
                    Next();
                }

                var arrayType = Type();
                if (!arrayType.IsArray)
                {
                    throw Error(arrayType.At, "readonly and mutable qualify array parameters only");
                }

                parameters.Add(new SubroutineParameter(arrayType, Identifier("a parameter name"), false, null, mutable));
                continue;
            }

            if (Peek.Is("qubit") || Peek.Is("qreg"))
            {
                var q = Next();
                Expr? size = null;
                if (Peek.Is("["))
                {
                    Next();
                    size = Expression();
                    Expect("]");
                }

                string qubitName = Identifier("a parameter name");
                if (q.Text == "qreg" && Peek.Is("["))
                {
                    Next();
                    size = Expression();
                    Expect("]");
                }

                parameters.Add(new SubroutineParameter(new TypeRef(q, "qubit", null), qubitName, true, size));
                continue;
            }

            bool isCreg = Peek.Is("creg");
            var type = Type();
            string parameterName = Identifier("a parameter name");
            if (isCreg && Peek.Is("["))
            {
                // OpenQASM 2's form, creg c[2]: the size follows the name.
                type = type with { Width = OptionalSize() };
            }

            parameters.Add(new SubroutineParameter(type, parameterName, false, null));
        }

        Next();
        TypeRef? returns = null;
        if (Peek.Is("->"))
        {
            Next();
            returns = Type();
        }

        return new DefStmt(at, name, parameters.ToImmutable(), returns, Block());
    }

    private Stmt GateCall(Token at)
    {
        var modifiers = ImmutableArray.CreateBuilder<GateModifier>();
        while (Peek.Is("ctrl") || Peek.Is("negctrl") || Peek.Is("inv") || Peek.Is("pow"))
        {
            var m = Next();
            Expr? argument = null;
            if (Peek.Is("("))
            {
                Next();
                argument = Expression();
                Expect(")");
            }

            Expect("@");
            modifiers.Add(new GateModifier(m, m.Text, argument));
        }

        var nameToken = Next();
        if (nameToken.Kind != TokenKind.Identifier)
        {
            throw Error(nameToken, $"expected a gate name but found {nameToken.Describe()}");
        }

        var parameters = ImmutableArray<Expr>.Empty;
        if (Peek.Is("("))
        {
            Next();
            parameters = ExpressionList(")");
            Expect(")");
        }

        Expr? duration = null;
        if (Peek.Is("["))
        {
            Next();
            duration = Expression();
            Expect("]");
        }

        var operands = Peek.Is(";") ? ImmutableArray<Expr>.Empty : OperandList();
        Expect(";");
        return new GateCallStmt(modifiers.Count > 0 ? modifiers[0].At : nameToken, modifiers.ToImmutable(), nameToken.Text, parameters, operands, duration);
    }

    private ImmutableArray<Expr> OperandList()
    {
        var list = ImmutableArray.CreateBuilder<Expr>();
        do
        {
            if (list.Count > 0)
            {
                Next();
            }

            list.Add(Postfix(Primary()));
        }
        while (Peek.Is(","));
        return list.ToImmutable();
    }

    private ImmutableArray<Expr> ExpressionList(string closer)
    {
        var list = ImmutableArray.CreateBuilder<Expr>();
        while (!Peek.Is(closer))
        {
            if (list.Count > 0)
            {
                Expect(",");
                if (Peek.Is(closer))
                {
                    break; // a trailing comma
                }
            }

            list.Add(Expression());
        }

        return list.ToImmutable();
    }

    private Stmt ExpressionOrAssignment(Token at)
    {
        var target = Expression();
        string[] assignments = ["=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "**="];
        if (assignments.Contains(Peek.Text) && Peek.Kind == TokenKind.Symbol)
        {
            string op = Next().Text;
            var value = Peek.Is("measure") ? MeasureExpression() : Expression();
            Expect(";");
            return new AssignStmt(at, target, op, value);
        }

        Expect(";");
        return new ExprStmt(at, target);
    }

    private Expr MeasureExpression()
    {
        var at = Expect("measure");
        return new MeasureExpr(at, Postfix(Primary()));
    }

    private Expr RangeOrExpression(Token at)
    {
        Expr? start = Peek.Is(":") ? null : Expression();
        if (!Peek.Is(":"))
        {
            return start!;
        }

        Next();
        Expr? second = Peek.Is(":") || Peek.Is("]") || Peek.Is(",") ? null : Expression();
        if (Peek.Is(":"))
        {
            Next();
            Expr? end = Peek.Is("]") || Peek.Is(",") ? null : Expression();
            return new RangeExpr(at, start, second, end);
        }

        return new RangeExpr(at, start, null, second);
    }

    public Expr Expression()
    {
        var at = Peek;
        Enter(at);
        try
        {
            return Binary(0);
        }
        finally
        {
            _depth--;
        }
    }

    private static int Precedence(string op) => op switch
    {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" or "!=" => 6,
        "<" or "<=" or ">" or ">=" => 7,
        "<<" or ">>" => 8,
        "+" or "-" => 9,
        "*" or "/" or "%" => 10,
        _ => -1,
    };

    private Expr Binary(int minimum)
    {
        var left = Unary();
        while (Peek.Kind == TokenKind.Symbol && Precedence(Peek.Text) is int p && p >= minimum && p > 0)
        {
            var op = Next();
            var right = Binary(p + 1);
            left = new BinaryExpr(op, op.Text, left, right);
        }

        return left;
    }

    private Expr Unary()
    {
        if (Peek.Is("-") || Peek.Is("!") || Peek.Is("~") || Peek.Is("+"))
        {
            var op = Next();
            Enter(op);
            var operand = Unary();
            _depth--;
            return op.Text == "+" ? operand : new UnaryExpr(op, op.Text, operand);
        }

        return Power();
    }

    private Expr Power()
    {
        var base_ = Postfix(Primary());
        if (Peek.Is("**"))
        {
            var op = Next();
            Enter(op);
            var exponent = Unary(); // right-associative, binds tighter than unary minus on its left
            _depth--;
            return new BinaryExpr(op, "**", base_, exponent);
        }

        return base_;
    }

    private Expr Postfix(Expr expr)
    {
        while (Peek.Is("["))
        {
            var open = Next();
            var indices = ImmutableArray.CreateBuilder<Expr>();
            do
            {
                if (indices.Count > 0)
                {
                    Next();
                }

                indices.Add(Peek.Is("{") ? Primary() : RangeOrExpression(open));
            }
            while (Peek.Is(","));
            Expect("]");
            expr = new IndexExpr(open, expr, indices.ToImmutable());
        }

        return expr;
    }

    private Expr Primary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Integer:
                if (IsImaginarySuffix(t))
                {
                    Next();
                    return new ImaginaryExpr(t, double.Parse(t.Text, CultureInfo.InvariantCulture));
                }

                if (Peek.Kind == TokenKind.Identifier && Peek.Line == t.Line && Peek.Column == t.Column + t.Text.Length && IsTimeUnit(Peek.Text))
                {
                    return new DurationExpr(t, double.Parse(t.Text, CultureInfo.InvariantCulture), Next().Text);
                }

                if (t.Text == "0" && Peek.Kind == TokenKind.Identifier && Peek.Column == t.Column + 1 && Peek.Text.Length > 1 && Peek.Text[0] is 'x' or 'b' or 'o' or 'X' or 'B' or 'O')
                {
                    return RadixLiteral(t, Next());
                }

                return new LiteralExpr(t, long.TryParse(t.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : (object)BigInteger.Parse(t.Text, CultureInfo.InvariantCulture));
            case TokenKind.Real:
                if (IsImaginarySuffix(t))
                {
                    Next();
                    return new ImaginaryExpr(t, double.Parse(t.Text, CultureInfo.InvariantCulture));
                }

                if (Peek.Kind == TokenKind.Identifier && Peek.Line == t.Line && Peek.Column == t.Column + t.Text.Length && IsTimeUnit(Peek.Text))
                {
                    return new DurationExpr(t, double.Parse(t.Text, CultureInfo.InvariantCulture), Next().Text);
                }

                return new LiteralExpr(t, double.Parse(t.Text, CultureInfo.InvariantCulture));
            case TokenKind.String:
                return new LiteralExpr(t, new BitString(t.Text));
        }

        if (t.Is("("))
        {
            var inner = Expression();
            Expect(")");
            return inner;
        }

        if (t.Is("{"))
        {
            var items = ExpressionList("}");
            Expect("}");
            return new SetExpr(t, items);
        }

        if (t.Is("$"))
        {
            var index = Next();
            if (index.Kind != TokenKind.Integer)
            {
                throw Error(index, "expected a physical qubit number after '$'");
            }

            if (!int.TryParse(index.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int physical) || physical >= 1 << 20)
            {
                throw Error(index, $"physical qubit ${index.Text} is beyond the {1 << 20} qubits VnQuantum can address");
            }

            _firstPhysicalQubit ??= t;
            _physicalQubits = Math.Max(_physicalQubits, physical + 1);
            return new PhysicalQubitExpr(t, physical);
        }

        if (t.Kind != TokenKind.Identifier)
        {
            throw Error(t, $"expected an expression but found {t.Describe()}");
        }

        switch (t.Text)
        {
            case "true":
                return new LiteralExpr(t, true);
            case "false":
                return new LiteralExpr(t, false);
            case "measure":
                return new MeasureExpr(t, Postfix(Primary()));
            case "durationof":
                {
                    Expect("(");
                    var body = Peek.Is("{") ? Block() : [new ExprStmt(Peek, Expression())];
                    Expect(")");
                    return new DurationOfExpr(t, body);
                }

            case "sizeof":
                {
                    Expect("(");
                    var arguments = ExpressionList(")");
                    Expect(")");
                    return new CallExpr(t, "sizeof", arguments);
                }
        }

        if (ClassicalTypes.Contains(t.Text))
        {
            _position--;
            var type = Type();
            Expect("(");
            var operand = Expression();
            Expect(")");
            return new CastExpr(t, type, operand);
        }

        if (Peek.Is("("))
        {
            Next();
            var arguments = ExpressionList(")");
            Expect(")");
            return new CallExpr(t, t.Text, arguments);
        }

        return new NameExpr(t, t.Text);
    }

    private Expr RadixLiteral(Token zero, Token rest)
    {
        int radix = char.ToLowerInvariant(rest.Text[0]) switch { 'x' => 16, 'b' => 2, _ => 8 };
        try
        {
            return new LiteralExpr(zero, Convert.ToInt64(rest.Text[1..].Replace("_", string.Empty, StringComparison.Ordinal), radix));
        }
        catch (FormatException)
        {
            throw Error(zero, $"'0{rest.Text}' is not a valid base-{radix} number");
        }
    }

    private bool IsImaginarySuffix(Token number) =>
        Peek.Kind == TokenKind.Identifier && Peek.Text == "im" && Peek.Line == number.Line && Peek.Column == number.Column + number.Text.Length;

    private static bool IsTimeUnit(string unit) => unit is "dt" or "ns" or "us" or "µs" or "ms" or "s";
}

/// <summary>A bit-string literal such as "0110" (its first character is the most significant bit).</summary>
internal sealed record BitString(string Bits);

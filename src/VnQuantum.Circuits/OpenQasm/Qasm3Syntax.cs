using System.Collections.Immutable;

namespace VnQuantum.Circuits.OpenQasm;

// The syntax tree of an OpenQASM 3 program. Every node keeps the token it starts at, for file:line:col messages.

internal abstract record Node(Token At);

internal abstract record Expr(Token At) : Node(At);

internal sealed record LiteralExpr(Token At, object Value) : Expr(At);

/// <summary>An imaginary literal (2im, 1.5im): the value is its imaginary part.</summary>
internal sealed record ImaginaryExpr(Token At, double Value) : Expr(At);

/// <summary>A duration literal in seconds (100ns, 2.5us) or in device cycles (dt).</summary>
internal sealed record DurationExpr(Token At, double Value, string Unit) : Expr(At);

internal sealed record NameExpr(Token At, string Name) : Expr(At);

/// <summary>$0, $1: a physical qubit.</summary>
internal sealed record PhysicalQubitExpr(Token At, int Index) : Expr(At);

/// <summary>start:end or start:step:end (end inclusive, as OpenQASM 3 ranges are); parts may be missing.</summary>
internal sealed record RangeExpr(Token At, Expr? Start, Expr? Step, Expr? End) : Expr(At);

/// <summary>{a, b, c}: an index set or an array literal.</summary>
internal sealed record SetExpr(Token At, ImmutableArray<Expr> Items) : Expr(At);

internal sealed record IndexExpr(Token At, Expr Target, ImmutableArray<Expr> Indices) : Expr(At);

internal sealed record UnaryExpr(Token At, string Operator, Expr Operand) : Expr(At);

internal sealed record BinaryExpr(Token At, string Operator, Expr Left, Expr Right) : Expr(At);

internal sealed record CallExpr(Token At, string Name, ImmutableArray<Expr> Arguments) : Expr(At);

/// <summary>int[8](x), float(x), bool(b): a type name applied as a function.</summary>
internal sealed record CastExpr(Token At, TypeRef Type, Expr Operand) : Expr(At);

internal sealed record MeasureExpr(Token At, Expr Operand) : Expr(At);

/// <summary>durationof({ … }): the length of a block, which only a scheduler with the device's gate times knows.</summary>
internal sealed record DurationOfExpr(Token At, ImmutableArray<Stmt> Body) : Expr(At);

/// <summary>
/// A classical type: bit, int, uint, float, angle, bool, complex, duration, stretch, with its width if given; or
/// array[element, d1, d2, …] with its dimensions (a subroutine parameter may give only their number, #dim = n).
/// </summary>
internal sealed record TypeRef(Token At, string Name, Expr? Width, bool IsArray = false, TypeRef? Element = null, ImmutableArray<Expr> Dimensions = default, Expr? DimensionCount = null);

internal abstract record Stmt(Token At) : Node(At);

internal sealed record IncludeStmt(Token At, string Path) : Stmt(At);

internal sealed record QubitDeclStmt(Token At, string Name, Expr? Size) : Stmt(At);

internal sealed record ClassicalDeclStmt(Token At, TypeRef Type, string Name, Expr? Initializer, string? Modifier) : Stmt(At);

internal sealed record GateDefStmt(Token At, string Name, ImmutableArray<string> Parameters, ImmutableArray<string> Qubits, ImmutableArray<Stmt> Body) : Stmt(At);

/// <summary>A subroutine's parameter; an array parameter is readonly or mutable (passed by reference).</summary>
internal sealed record SubroutineParameter(TypeRef Type, string Name, bool IsQubit, Expr? QubitSize, bool Mutable = false);

internal sealed record DefStmt(Token At, string Name, ImmutableArray<SubroutineParameter> Parameters, TypeRef? Returns, ImmutableArray<Stmt> Body) : Stmt(At);

/// <summary>ctrl, negctrl, inv, pow with its argument (the count for ctrl/negctrl, the exponent for pow).</summary>
internal sealed record GateModifier(Token At, string Kind, Expr? Argument);

internal sealed record GateCallStmt(Token At, ImmutableArray<GateModifier> Modifiers, string Name, ImmutableArray<Expr> Parameters, ImmutableArray<Expr> Operands, Expr? Duration) : Stmt(At);

internal sealed record MeasureArrowStmt(Token At, Expr Operand, Expr? Target) : Stmt(At);

internal sealed record AssignStmt(Token At, Expr Target, string Operator, Expr Value) : Stmt(At);

internal sealed record ResetStmt(Token At, ImmutableArray<Expr> Operands) : Stmt(At);

internal sealed record BarrierStmt(Token At, ImmutableArray<Expr> Operands) : Stmt(At);

internal sealed record DelayStmt(Token At, Expr Duration, ImmutableArray<Expr> Operands) : Stmt(At);

internal sealed record IfStmt(Token At, Expr Condition, ImmutableArray<Stmt> Then, ImmutableArray<Stmt>? Else) : Stmt(At);

internal sealed record ForStmt(Token At, TypeRef? Type, string Variable, Expr Iterable, ImmutableArray<Stmt> Body) : Stmt(At);

internal sealed record WhileStmt(Token At, Expr Condition, ImmutableArray<Stmt> Body) : Stmt(At);

internal sealed record BlockStmt(Token At, ImmutableArray<Stmt> Body) : Stmt(At);

/// <summary>box[duration] { … }: a scheduling boundary; the simulators run the body as a block.</summary>
internal sealed record BoxStmt(Token At, Expr? Duration, ImmutableArray<Stmt> Body) : Stmt(At);

/// <summary>
/// defcalgrammar, defcal and cal: pulse-level calibrations. They say how hardware carries out a gate, not what the
/// gate does, so a gate-level simulator reads past them.
/// </summary>
internal sealed record CalibrationStmt(Token At) : Stmt(At);

/// <summary>extern name(types) -> type;: a function the program's host provides. Only a call is an error.</summary>
internal sealed record ExternStmt(Token At, string Name) : Stmt(At);

internal sealed record ReturnStmt(Token At, Expr? Value) : Stmt(At);

internal sealed record BreakStmt(Token At) : Stmt(At);

internal sealed record ContinueStmt(Token At) : Stmt(At);

internal sealed record ExprStmt(Token At, Expr Expression) : Stmt(At);

internal sealed record EndStmt(Token At) : Stmt(At);

/// <summary>nop q[0], q[1];: the qubits take part in nothing (a placeholder inside box).</summary>
internal sealed record NopStmt(Token At, ImmutableArray<Expr> Operands) : Stmt(At);

/// <summary>One case of a switch: its labels (integer constants) and its block.</summary>
internal sealed record SwitchCase(Token At, ImmutableArray<Expr> Labels, ImmutableArray<Stmt> Body);

/// <summary>switch (target) { case 0, 1 { … } default { … } }: no fallthrough; at most one default, last.</summary>
internal sealed record SwitchStmt(Token At, Expr Target, ImmutableArray<SwitchCase> Cases, ImmutableArray<Stmt>? Default) : Stmt(At);

/// <summary>let name = q[0:2] ++ r;: an alias of qubits or bits.</summary>
internal sealed record LetStmt(Token At, string Name, ImmutableArray<Expr> Parts) : Stmt(At);

/// <summary>
/// The physical qubits ($0, $1, …) a program uses, declared before everything else as one register named "$" so
/// that $n is qubit n.
/// </summary>
internal sealed record PhysicalQubitsStmt(Token At, int Count) : Stmt(At);

/// <summary>A statement that parses but that VnQuantum does not run (defcal, cal, extern, stretch, arrays…).</summary>
internal sealed record UnsupportedStmt(Token At, string Construct) : Stmt(At);

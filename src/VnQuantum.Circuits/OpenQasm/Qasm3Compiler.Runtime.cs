using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>
/// Expressions on measured bits, as Qiskit's exporter writes them (<c>if (cr + 1 == 3)</c>, <c>c = a &amp; b;</c>):
/// compiled to a <see cref="RuntimeValue"/> the shot interpreter computes each shot.
/// </summary>
internal sealed partial class Qasm3Compiler
{
    private static readonly HashSet<string> RuntimeOperators =
        ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", "<=", ">", ">=", "&&", "||"];

    private RuntimeExpression RuntimeBinary(Token at, string op, object a, object b)
    {
        if (!RuntimeOperators.Contains(op))
        {
            throw Error(at, $"'{op}' on bits known only at run time (after a measurement) is not supported");
        }

        return new RuntimeExpression(new Lazy<RuntimeValue>(() => new BinaryValue(op, ToRuntimeValue(at, a), ToRuntimeValue(at, b))));
    }

    /// <summary>A value as the interpreter computes it: run-time bits read as an integer, constants as themselves.</summary>
    private RuntimeValue ToRuntimeValue(Token at, object v) => v switch
    {
        RuntimeExpression e => e.Value,
        RuntimeBits b when b.Clbits.Length <= RuntimeValue.MaxArithmeticWidth => new BitsValue([.. b.Clbits], b.Signed),
        RuntimeBits b => throw Error(at, $"arithmetic on {b.Clbits.Length} bits known only at run time is not supported: VnQuantum computes on registers of up to {RuntimeValue.MaxArithmeticWidth} bits, and compares registers of any width (c == 5, c1 > c2)"),
        bool flag => new ConstantValue(flag ? 1 : 0),
        double => throw Error(at, "a real number in an expression on measured bits is not supported; VnQuantum computes on them as integers"),
        _ => new ConstantValue(ToLong(at, v)),
    };

    /// <summary>
    /// The width of an expression that is a register, a bit or a uint variable itself: ~ and &lt;&lt; act within it, as
    /// <see cref="RuntimeValue.Width"/> says; null for any other expression.
    /// </summary>
    private int? RegisterWidth(Expr e) => e switch
    {
        NameExpr n when _scope.Find(n.Name) is BitSymbol b => b.Clbits.Length,
        NameExpr n when _scope.Find(n.Name) is ValueSymbol { Type: { Name: "uint", Width: { } w } } => PositiveInt(w, "a width"),
        IndexExpr { Target: NameExpr n } index when _scope.Find(n.Name) is BitSymbol => Bits(index).Length,
        _ => null,
    };

    /// <summary><c>int[8](c + 1)</c>, <c>bool(c)</c>: the cast's width and sign applied at run time.</summary>
    private RuntimeOperand RuntimeCast(CastExpr cast, RuntimeOperand value)
    {
        string type = cast.Type.Name;
        if (type is not ("int" or "uint" or "bool" or "bit"))
        {
            throw Error(cast.At, $"converting bits known only at run time to {type} is not supported");
        }

        int? width = cast.Type.Width is null ? null : PositiveInt(cast.Type.Width, "a width");
        if (value is RuntimeBits bits && (width is null || width == bits.Clbits.Length) && (type is "bit" or "uint" || (type == "int" && width is null)))
        {
            // Bits keep their exact, any-width form: a cast to an unsigned type of their own width, or to int of the
            // default width (wider than any register read as an integer), changes nothing.
            return bits with { Signed = bits.Signed && type == "int" };
        }

        var v = ToRuntimeValue(cast.At, value);
        if (type == "bool" || (type == "bit" && width is null))
        {
            return new RuntimeExpression(new BinaryValue("!=", v, new ConstantValue(0)));
        }

        if (width is not { } w || w >= 64)
        {
            return new RuntimeExpression(v);
        }

        var masked = new BinaryValue("&", v, new ConstantValue((1L << w) - 1));
        if (type != "int")
        {
            return new RuntimeExpression(masked);
        }

        // Two's complement in w bits: ((v & mask) ^ sign) - sign.
        var sign = new ConstantValue(1L << (w - 1));
        return new RuntimeExpression(new BinaryValue("-", new BinaryValue("^", masked, sign), sign));
    }
}

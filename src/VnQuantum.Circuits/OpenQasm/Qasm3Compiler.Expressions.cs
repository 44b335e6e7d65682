using System.Globalization;
using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <content>the compile-time evaluator: constants, arithmetic, casts, built-in functions.</content>
internal sealed partial class Qasm3Compiler
{
    private static readonly HashSet<string> MathFunctions =
        ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "exp", "ln", "log", "sqrt", "abs", "floor", "ceiling", "mod", "pow", "popcount", "real", "imag"];

    private object Eval(Expr e)
    {
        switch (e)
        {
            case LiteralExpr literal:
                return literal.Value;
            case ImaginaryExpr imaginary:
                return new Complex(0, imaginary.Value);
            case DurationExpr duration:
                return DurationLiteral(duration);
            case DurationOfExpr:
                return DurationValue.Stretch;
            case NameExpr name:
                return Name(name);
            case IndexExpr index:
                return Index(index);
            case UnaryExpr unary:
                {
                    object operand = Eval(unary.Operand);
                    if (operand is DurationValue duration)
                    {
                        return unary.Operator == "-" ? duration.Scale(-1) : throw Error(unary.At, $"'{unary.Operator}' is not defined on a duration");
                    }

                    if (operand is RuntimeOperand)
                    {
                        return new RuntimeExpression(new Lazy<RuntimeValue>(() => new UnaryValue(unary.Operator, ToRuntimeValue(unary.Operand.At, operand))));
                    }

                    if (unary.Operator == "~" && RegisterWidth(unary.Operand) is { } bits and < 64)
                    {
                        return ~ToLong(unary.At, operand) & ((1L << bits) - 1);
                    }

                    return unary.Operator switch
                    {
                        "-" when operand is Complex z => -z,
                        "-" when operand is BigInteger big => -big,
                        "-" => operand is double d ? -d : (object)(-ToLong(unary.At, operand)),
                        "!" => !ToBool(unary.At, operand),
                        _ => ~ToLong(unary.At, operand),
                    };
                }

            case BinaryExpr binary:
                {
                    if (binary.Operator is "&&" or "||")
                    {
                        object l = Eval(binary.Left);
                        if (l is RuntimeOperand)
                        {
                            return RuntimeBinary(binary.At, binary.Operator, l, Eval(binary.Right));
                        }

                        bool left = ToBool(binary.Left.At, l);
                        if (binary.Operator == "&&" ? !left : left)
                        {
                            return left;
                        }

                        object r = Eval(binary.Right);
                        return r is RuntimeOperand ? RuntimeBinary(binary.At, "!=", r, 0L) : ToBool(binary.Right.At, r);
                    }

                    object result = Binary(binary.At, binary.Operator, Eval(binary.Left), Eval(binary.Right));
                    return binary.Operator == "<<" && result is long shifted && RegisterWidth(binary.Left) is { } width and < 64
                        ? shifted & ((1L << width) - 1)
                        : result;
                }

            case CastExpr cast:
                {
                    object value = Eval(cast.Operand);
                    if (value is RuntimeOperand runtime)
                    {
                        return RuntimeCast(cast, runtime);
                    }

                    return Convert(cast.At, value, cast.Type);
                }

            case CallExpr call:
                RefuseExternCall(call);
                if (_scope.Find(call.Name) is SubroutineSymbol)
                {
                    return Call(call, null) ?? throw Error(call.At, $"subroutine '{call.Name}' returns nothing");
                }

                return Function(call);
            case MeasureExpr measure:
                throw Error(measure.At, "measure here is not supported; write 'b = measure q;' or 'measure q -> b;'");
            case PhysicalQubitExpr physical:
                throw Error(physical.At, $"${physical.Index} is a qubit, not a value");
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
        if (target is ArrayValue array)
        {
            return IndexArray(index, array);
        }

        if (target is RuntimeBits runtime)
        {
            return new RuntimeBits(Select(index, runtime.Clbits));
        }

        if (target is RuntimeExpression)
        {
            throw Error(index.At, "indexing a value computed at run time is not supported; store it in a bit register first");
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
                return _scope.Find("$") is QubitSymbol physical && p.Index < physical.Qubits.Length ? [physical.Qubits[p.Index]]
                    : throw Error(p.At, $"physical qubit ${p.Index} is not in the program's physical qubits (those of the main file are declared first)");
            case SetExpr set:
                return [.. set.Items.SelectMany(Qubits)];
            default:
                throw Error(e.At, "expected a qubit or a qubit register");
        }
    }

    private int[] Bits(Expr e)
    {
        switch (e)
        {
            case NameExpr n:
                return _scope.Find(n.Name) switch
                {
                    BitSymbol b => b.Clbits,
                    ValueSymbol v when HasBits(v) => Backing(n.At, n.Name, v, keepValue: true).Clbits,
                    null => throw Error(n.At, $"'{n.Name}' is not declared"),
                    _ => throw Error(n.At, $"'{n.Name}' is not a bit register"),
                };
            case IndexExpr index when index.Target is NameExpr n:
                return _scope.Find(n.Name) switch
                {
                    BitSymbol reg => Select(index, reg.Clbits),
                    ValueSymbol v when HasBits(v) => Select(index, Backing(n.At, n.Name, v, keepValue: true).Clbits),
                    ValueSymbol v => throw Error(n.At, $"'{n.Name}' is {Article(v.Type.Name)} {v.Type.Name}{(v.IsConst ? " constant" : "")}; measurement results go into bits, and into int[n], uint[n] and angle[n] variables by bit"),
                    _ => throw Error(n.At, $"'{n.Name}' is not a bit register"),
                };
            case SetExpr set:
                return [.. set.Items.SelectMany(Bits)];
            default:
                throw Error(e.At, "expected a bit or a bit register");
        }
    }

    /// <summary>A variable whose bits a measurement may write: int[n], uint[n] or angle[n], not a constant.</summary>
    private static bool HasBits(ValueSymbol v) => !v.IsConst && v.Type.Width is not null && v.Type.Name is "int" or "uint" or "angle";

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    private object Function(CallExpr call)
    {
        if (call.Name == "sizeof")
        {
            return SizeOf(call);
        }

        var args = call.Arguments.Select(Eval).ToArray();
        if (args.Any(a => a is RuntimeOperand))
        {
            throw Error(call.At, $"'{call.Name}' of bits known only at run time is not supported");
        }

        if (args.Any(a => a is Complex) || call.Name is "real" or "imag")
        {
            return ComplexFunction(call, args);
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

    private object ComplexFunction(CallExpr call, object[] args)
    {
        Complex Arg(int i) => i < args.Length ? ToComplex(call.Arguments[i].At, args[i]) : throw Error(call.At, $"'{call.Name}' needs {i + 1} argument(s)");
        return call.Name switch
        {
            "real" => Arg(0).Real,
            "imag" => Arg(0).Imaginary,
            "abs" => Complex.Abs(Arg(0)),
            "sqrt" => Complex.Sqrt(Arg(0)),
            "exp" => Complex.Exp(Arg(0)),
            "ln" or "log" => Complex.Log(Arg(0)),
            "sin" => Complex.Sin(Arg(0)),
            "cos" => Complex.Cos(Arg(0)),
            "tan" => Complex.Tan(Arg(0)),
            "pow" => Complex.Pow(Arg(0), Arg(1)),
            _ => throw Error(call.At, $"'{call.Name}' of a complex number is not supported"),
        };
    }

    private Complex ToComplex(Token at, object v) => v is Complex z ? z : ToDouble(at, v);

    private object ComplexBinary(Token at, string op, Complex a, Complex b) => op switch
    {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => b == Complex.Zero ? throw Error(at, "division by zero") : a / b,
        "**" => Complex.Pow(a, b),
        "==" => a == b,
        "!=" => a != b,
        _ => throw Error(at, $"operator '{op}' is not defined on complex numbers"),
    };

    private object Binary(Token at, string op, object a, object b)
    {
        if (a is DurationValue || b is DurationValue)
        {
            return DurationBinary(at, op, a, b);
        }

        if (a is RuntimeOperand || b is RuntimeOperand)
        {
            return RuntimeBinary(at, op, a, b);
        }

        if (a is Complex || b is Complex)
        {
            return ComplexBinary(at, op, ToComplex(at, a), ToComplex(at, b));
        }

        if (a is BitString sa)
        {
            a = sa.Bits.Length < 64 ? BitStringValue(sa) : ToBigInteger(at, sa);
        }

        if (b is BitString sb)
        {
            b = sb.Bits.Length < 64 ? BitStringValue(sb) : ToBigInteger(at, sb);
        }

        if ((a is BigInteger && b is not double) || (b is BigInteger && a is not double))
        {
            return WideBinary(at, op, ToBigInteger(at, a), ToBigInteger(at, b));
        }

        bool isFloat = a is double || b is double;
        switch (op)
        {
            case "+": return isFloat ? ToDouble(at, a) + ToDouble(at, b) : (object)(ToLong(at, a) + ToLong(at, b));
            case "-": return isFloat ? ToDouble(at, a) - ToDouble(at, b) : (object)(ToLong(at, a) - ToLong(at, b));
            case "*": return isFloat ? ToDouble(at, a) * ToDouble(at, b) : (object)(ToLong(at, a) * ToLong(at, b));
            case "/":
                if (isFloat)
                {
                    return ToDouble(at, a) / ToDouble(at, b);
                }

                // Two integers divide exactly when they can, else as reals: the spec's own examples write
                // arccos(3 / 5) for 0.6, and an int target truncates the quotient as C's '/' would.
                long divisor = ToLong(at, b), dividend = ToLong(at, a);
                return divisor == 0 ? throw Error(at, "division by zero")
                    : dividend % divisor == 0 ? (object)(dividend / divisor) : (double)dividend / divisor;
            case "%": return isFloat ? ToDouble(at, a) % ToDouble(at, b) : ToLong(at, b) == 0 ? throw Error(at, "division by zero") : (object)(ToLong(at, a) % ToLong(at, b));
            case "**":
                return !isFloat && ToLong(at, b) >= 0 ? WideBinary(at, "**", ToBigInteger(at, a), ToBigInteger(at, b)) : Math.Pow(ToDouble(at, a), ToDouble(at, b));
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

    // Integers wider than 64 bits (a literal, or a register read whole) are
    // computed exactly and narrowed back to long when the result fits, so the
    // common 64-bit path stays the one most code sees.
    private object WideBinary(Token at, string op, BigInteger a, BigInteger b)
    {
        static object Narrow(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (long)v : v;
        return op switch
        {
            "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            "<=" => a <= b,
            ">" => a > b,
            ">=" => a >= b,
            "+" => Narrow(a + b),
            "-" => Narrow(a - b),
            "*" => Narrow(a * b),
            "/" => b.IsZero ? throw Error(at, "division by zero") : Narrow(a / b),
            "%" => b.IsZero ? throw Error(at, "division by zero") : Narrow(a % b),
            "&" => Narrow(a & b),
            "|" => Narrow(a | b),
            "^" => Narrow(a ^ b),
            "<<" => b < 0 || b > 4096 ? throw Error(at, $"shift by {b} is out of range") : Narrow(a << (int)b),
            ">>" => b < 0 || b > 4096 ? throw Error(at, $"shift by {b} is out of range") : Narrow(a >> (int)b),
            "**" => b < 0 || b > 4096 ? throw Error(at, $"exponent {b} is out of range for an integer this wide") : Narrow(BigInteger.Pow(a, (int)b)),
            _ => throw Error(at, $"operator '{op}' is not supported"),
        };
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
            case "complex":
                return ToComplex(at, value);
            case "angle":
                {
                    double angle = ToDouble(at, value) % (2 * Math.PI);
                    return angle < 0 ? angle + (2 * Math.PI) : angle;
                }

            case "duration" or "stretch":
                return value is DurationValue ? value : throw Error(at, $"a {type.Name} holds a duration such as 100ns, not {(value is RuntimeOperand ? "a measured value" : "a number")}");
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

    private double ToDouble(Token at, object v) => v switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        BitString s => BitStringValue(s),
        Complex z when z.Imaginary == 0 => z.Real,
        Complex => throw Error(at, "expected a real number, found a complex one"),
        BigInteger big => (double)big,
        RuntimeOperand => throw Error(at, "this value is known only at run time (from a measurement); gate parameters and loop bounds must be known when the program is compiled"),
        _ => throw Error(at, "expected a number"),
    };

    private long ToLong(Token at, object v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => (long)d,
        BitString s => BitStringValue(s),
        BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
        BigInteger big => throw Error(at, $"{big} does not fit in 64 bits here"),
        double => throw Error(at, $"expected an integer, found {((double)v).ToString(CultureInfo.InvariantCulture)}"),
        RuntimeOperand => throw Error(at, "this value is known only at run time (from a measurement); VnQuantum needs it when the program is compiled"),
        _ => throw Error(at, "expected an integer"),
    };

    /// <summary>An integer of any size (for comparisons with registers wider than 64 bits).</summary>
    private BigInteger ToBigInteger(Token at, object v) => v switch
    {
        BigInteger big => big,
        BitString s => s.Bits.Aggregate(BigInteger.Zero, (acc, ch) => (acc << 1) | (ch == '1' ? BigInteger.One : BigInteger.Zero)),
        _ => ToLong(at, v),
    };

    private bool ToBool(Token at, object v) => v switch
    {
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        BitString s => BitStringValue(s) != 0,
        BigInteger big => !big.IsZero,
        Complex z => z != Complex.Zero,
        RuntimeOperand => throw Error(at, "this test depends on a measurement; it is allowed in if and while"),
        _ => throw Error(at, "expected a bool"),
    };

    private int PositiveInt(Expr e, string what)
    {
        long v = ToLong(e.At, Eval(e));
        return v is >= 1 and <= 1 << 20 ? (int)v : throw Error(e.At, $"{what} must be between 1 and {1 << 20}, not {v}");
    }
}

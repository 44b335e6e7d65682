using System.Collections.Immutable;

namespace VnQuantum.Circuits.Ir;

/// <summary>
/// An integer computed each shot from measured bits, as Qiskit's classical expressions are (<c>c + 1</c>,
/// <c>a &amp; b</c>, <c>~c</c>, <c>c1 &lt;&lt; 2</c>): 64-bit two's-complement arithmetic, wrapping as C's does;
/// comparisons and logical operators give 1 or 0. <see cref="Width"/> is a register's width when the value is
/// the register itself, else 64: <c>~</c> and <c>&lt;&lt;</c> applied directly to a register act within its bits
/// (<c>~c</c> of a bit[2] register holding 01 is 10), on any other value as on a 64-bit integer — the rule the
/// compiler follows for values it knows.
/// </summary>
public abstract record RuntimeValue
{
    /// <summary>
    /// The widest register arithmetic reads: 64 bits, in a long (an unsigned value of 2^63 or more reads as negative,
    /// as C's conversion does). Comparisons of plain registers are exact at any width (<see cref="CompareCondition"/>).
    /// </summary>
    public const int MaxArithmeticWidth = 64;

    public abstract long Evaluate(ReadOnlySpan<bool> clbits);

    /// <summary>Every classical bit the value reads.</summary>
    public abstract IEnumerable<int> Clbits { get; }

    public abstract int Width { get; }
}

/// <summary>The integer the bits form, Bits[0] least significant; <see cref="Signed"/> reads the top bit as the sign (an int[n] variable).</summary>
public sealed record BitsValue : RuntimeValue
{
    public BitsValue(ImmutableArray<int> bits, bool signed = false)
    {
        if (bits.Length > MaxArithmeticWidth)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"arithmetic reads at most {MaxArithmeticWidth} bits of a register");
        }

        Bits = bits;
        Signed = signed;
    }

    public ImmutableArray<int> Bits { get; }

    public bool Signed { get; }

    /// <summary>A signed value is a full integer (its ~ and shifts are C's); unsigned bits are a bit array of their length.</summary>
    public override int Width => Signed ? 64 : Bits.Length;

    public override IEnumerable<int> Clbits => Bits;

    public override long Evaluate(ReadOnlySpan<bool> clbits)
    {
        long v = 0;
        for (int i = 0; i < Bits.Length; i++)
        {
            if (clbits[Bits[i]])
            {
                v |= 1L << i;
            }
        }

        if (Signed && Bits.Length is > 0 and < 64 && (v & (1L << (Bits.Length - 1))) != 0)
        {
            v -= 1L << Bits.Length;
        }

        return v;
    }
}

public sealed record ConstantValue(long Value) : RuntimeValue
{
    public override int Width => 64;

    public override IEnumerable<int> Clbits => [];

    public override long Evaluate(ReadOnlySpan<bool> clbits) => Value;
}

/// <summary>- (negation), ~ (complement within the operand's width) or ! (1 when the operand is 0).</summary>
public sealed record UnaryValue(string Operator, RuntimeValue Operand) : RuntimeValue
{
    public override int Width => 64;

    public override IEnumerable<int> Clbits => Operand.Clbits;

    public override long Evaluate(ReadOnlySpan<bool> clbits)
    {
        long v = Operand.Evaluate(clbits);
        return Operator switch
        {
            "-" => unchecked(-v),
            "!" => v == 0 ? 1 : 0,
            "~" => Operand.Width < 64 ? ~v & ((1L << Operand.Width) - 1) : ~v,
            _ => throw new InvalidOperationException($"unknown unary operator '{Operator}'"),
        };
    }
}

/// <summary>
/// + - * / % &amp; | ^ &lt;&lt; &gt;&gt;, the comparisons and &amp;&amp; ||. Division truncates toward zero; a zero divisor
/// throws <see cref="DivideByZeroException"/> (the run stops with that error). + - * / compute on unbounded
/// (64-bit) integers, not wrapping at a register's width; shifts by 64 or more give 0 (or the sign, shifting right),
/// and a left shift of an n-bit register itself stays within its n bits, as a bit array's does (<c>c &lt;&lt; 1</c> of bit[2] 10 is 00).
/// </summary>
public sealed record BinaryValue(string Operator, RuntimeValue Left, RuntimeValue Right) : RuntimeValue
{
    public override int Width => 64;

    public override IEnumerable<int> Clbits => Left.Clbits.Concat(Right.Clbits);

    public override long Evaluate(ReadOnlySpan<bool> clbits)
    {
        long a = Left.Evaluate(clbits);
        if (Operator is "&&" or "||")
        {
            // Short-circuit as C does: the right side is not read when the left decides.
            return Operator == "&&" ? (a != 0 && Right.Evaluate(clbits) != 0 ? 1 : 0) : (a != 0 || Right.Evaluate(clbits) != 0 ? 1 : 0);
        }

        long b = Right.Evaluate(clbits);
        return unchecked(Operator switch
        {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" => b == 0 ? throw new DivideByZeroException("division by zero in a run-time expression") : a == long.MinValue && b == -1 ? a : a / b,
            "%" => b == 0 ? throw new DivideByZeroException("division by zero in a run-time expression") : b == -1 ? 0 : a % b,
            "&" => a & b,
            "|" => a | b,
            "^" => a ^ b,
            "<<" => b is < 0 or >= 64 ? 0 : Left.Width < 64 ? (a << (int)b) & ((1L << Left.Width) - 1) : a << (int)b,
            ">>" => b < 0 ? 0 : b >= 64 ? (a < 0 ? -1 : 0) : a >> (int)b,
            "==" => a == b ? 1 : 0,
            "!=" => a != b ? 1 : 0,
            "<" => a < b ? 1 : 0,
            "<=" => a <= b ? 1 : 0,
            ">" => a > b ? 1 : 0,
            ">=" => a >= b ? 1 : 0,
            _ => throw new InvalidOperationException($"unknown binary operator '{Operator}'"),
        });
    }
}

/// <summary>A run-time test on an expression: true when it is not 0.</summary>
public sealed record ValueCondition(RuntimeValue Value) : ClassicalCondition
{
    public override IEnumerable<int> Clbits => Value.Clbits;

    public override bool Evaluate(ReadOnlySpan<bool> clbits) => Value.Evaluate(clbits) != 0;
}

/// <summary>
/// Computes a value at run time and writes its low bits: Targets[i] ← bit i of the value (two's complement), as an
/// assignment <c>d = c + 1;</c> does.
/// </summary>
public sealed record ComputeBitsOperation : Operation
{
    public ComputeBitsOperation(ImmutableArray<int> targets, RuntimeValue value)
        : base((Condition?)null)
    {
        Targets = targets;
        Value = value;
    }

    public ImmutableArray<int> Targets { get; }

    public RuntimeValue Value { get; }

    public override string Name => "store";

    public override ImmutableArray<int> Qubits => [];

    public override IEnumerable<int> Clbits => Targets.Concat(Value.Clbits);

    public void Execute(Span<bool> clbits)
    {
        long v = Value.Evaluate(clbits);
        for (int i = 0; i < Targets.Length; i++)
        {
            clbits[Targets[i]] = i < 64 ? ((v >> i) & 1) == 1 : v < 0;
        }
    }
}

using System.Collections.Immutable;
using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <content>measurement, classical declarations and assignments, bit stores.</content>
internal sealed partial class Qasm3Compiler
{
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

    private static string? RootName(Expr e) => e switch
    {
        NameExpr n => n.Name,
        IndexExpr ix => RootName(ix.Target),
        _ => null,
    };

    private void Assign(AssignStmt a)
    {
        var target = a.Target;
        string? name = target switch
        {
            NameExpr n => n.Name,
            IndexExpr { Target: NameExpr n } => n.Name,
            IndexExpr { Target: IndexExpr } => FindVariable(target) is { Value: ArrayValue } ? RootName(target) : null,
            _ => null,
        };
        var symbol = name is null ? null : _scope.Find(name);
        if (symbol is ValueSymbol { Value: ArrayValue } array)
        {
            AssignArray(a, name!, array);
            return;
        }

        bool bitwise = symbol is ValueSymbol withBits && HasBits(withBits) && (target is IndexExpr || a.Value is MeasureExpr);
        if (symbol is BitSymbol || bitwise)
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
                value = Binary(a.At, a.Operator[..^1], Eval(target), value);
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

            if (value is RuntimeOperand runtime)
            {
                StoreRuntimeValue(a.Value, name!, variable, runtime);
                return;
            }

            if (variable.Value is RuntimeBits backing)
            {
                // The variable already lives in run-time bits (it holds a copy of measured bits): store the constant there.
                object converted = Convert(a.At, value, variable.Type);
                StoreBits(a.At, backing.Clbits, variable.Type.Name == "angle" ? AngleUnits((double)converted, backing.Clbits.Length) : converted);
                return;
            }

            if (_runtimeBranchDepth > 0)
            {
                throw Error(a.At, $"'{name}' is assigned inside a branch or loop that depends on a measurement; VnQuantum evaluates {variable.Type.Name} variables when the program is compiled");
            }

            variable.Value = Convert(a.At, value, variable.Type);
            return;
        }

        throw Error(target.At, name is null ? "cannot assign to this expression" : symbol is null ? $"'{name}' is not declared" : $"cannot assign to '{name}'");
    }

    /// <summary>
    /// Stores a value known only at run time in an int, uint or bool variable (Qiskit's exporter writes
    /// <c>switch_dummy = c;</c> before a switch): the variable moves into scratch bits of its width, which later
    /// tests and expressions read at run time; an int's top bit is its sign.
    /// </summary>
    private void StoreRuntimeValue(Expr source, string name, ValueSymbol variable, RuntimeOperand value)
    {
        var type = variable.Type;
        if (type.Name is not ("int" or "uint" or "bool" or "angle"))
        {
            throw Error(source.At, $"'{name}' would hold a value known only at run time (from a measurement); VnQuantum evaluates {type.Name} variables when the program is compiled");
        }

        if (variable.IsConst)
        {
            throw Error(source.At, $"'{name}' is a constant; it cannot hold a measurement result");
        }

        var backing = Backing(source.At, name, variable, keepValue: false); // the store writes every bit
        int width = backing.Clbits.Length;
        if (type.Name == "bool" && value is not RuntimeBits { Clbits.Length: 1 })
        {
            value = new RuntimeExpression(new BinaryValue("!=", ToRuntimeValue(source.At, value), new ConstantValue(0)));
        }

        if (value is RuntimeBits { Signed: false } plain)
        {
            // Unsigned bits copy exactly at any width: the low bits, zeros above (a cast to int[n] keeps the low n bits).
            int[] sourceBits = plain.Clbits;
            int copied = Math.Min(width, sourceBits.Length);
            Emit(source.At, new CopyBitsOperation([.. backing.Clbits[..copied]], [.. sourceBits[..copied]]));
            if (copied < width)
            {
                Emit(source.At, new SetBitsOperation([.. backing.Clbits[copied..]], [.. new bool[width - copied]]));
            }

            return;
        }

        Emit(source.At, new ComputeBitsOperation([.. backing.Clbits], ToRuntimeValue(source.At, value)));
    }

    /// <summary>
    /// The scratch bits an int, uint, bool or angle variable lives in once it holds a value known only at run time;
    /// made on first use, holding the value it had (outside run-time branches only where <paramref name="keepValue"/>). An angle's bits are its value in units of 2π/2^n, bit 0 least
    /// significant (the specification's layout), so a measurement into c[0] adds 2π/2^n.
    /// </summary>
    private RuntimeBits Backing(Token at, string name, ValueSymbol variable, bool keepValue)
    {
        if (variable.Value is RuntimeBits existing)
        {
            return existing;
        }

        // A loop's body is compiled once and run many times, so a variable declared inside one cannot start
        // living in bits there; one declared outside every run-time branch can (Qiskit declares its
        // switch_dummy globally and assigns it inside an if): its bits take its value before the branch.
        if (_runtimeBranchDepth > variable.RuntimeDepth && variable.RuntimeDepth > 0)
        {
            throw Error(at, $"'{name}' first takes a measured value inside a branch or loop that depends on a measurement; assign it one before the branch");
        }

        var type = variable.Type;
        int width = type.Name == "bool" ? 1 : type.Width is null ? 64 : PositiveInt(type.Width, "a width");
        object before = variable.Value;
        var backing = new RuntimeBits(AllocateScratch(width), Signed: type.Name == "int");
        variable.Value = backing;
        BigInteger v = type.Name == "angle" ? AngleUnits(ToDouble(at, before), width) : ToBigInteger(at, before);
        var bits = ImmutableArray.CreateRange(Enumerable.Range(0, width).Select(i => !(v >> i).IsEven));
        if (_runtimeBranchDepth > 0)
        {
            EmitBeforeRunTimeBranches(at, new SetBitsOperation([.. backing.Clbits], bits));
        }
        else if (keepValue && !v.IsZero)
        {
            Emit(at, new SetBitsOperation([.. backing.Clbits], bits));
        }

        return backing;
    }

    /// <summary>The nearest angle[width] representation of radians, in units of 2π/2^width.</summary>
    private static BigInteger AngleUnits(double radians, int width)
    {
        double turns = radians / (2 * Math.PI);
        turns -= Math.Floor(turns);
        var modulus = BigInteger.One << width;
        var units = new BigInteger(Math.Round(turns * Math.Pow(2, Math.Min(width, 1000))));
        return ((units % modulus) + modulus) % modulus;
    }

    /// <summary>Writes a value into bits: constants now (and at run time), measured bits by copying at run time.</summary>
    private void StoreBits(Token at, int[] bits, object value)
    {
        if (value is RuntimeExpression computed)
        {
            Emit(at, new ComputeBitsOperation([.. bits], computed.Value));
            foreach (int b in bits)
            {
                _knownBits.Remove(b);
            }

            return;
        }

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
            var v = ToBigInteger(at, value);
            values = Enumerable.Range(0, bits.Length).Select(i => !(v >> i).IsEven).ToArray();
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
}


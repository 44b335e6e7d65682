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

            StoreBits(a.At, bits, value, a.Value);
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
                if (value is RuntimeBits || variable.Value is RuntimeBits)
                {
                    throw Error(a.At, $"'{a.Operator}' on a value known only at run time (after a measurement) is not supported");
                }

                value = Binary(a.At, a.Operator[..^1], variable.Value, value);
            }

            if (value is RuntimeBits runtime)
            {
                StoreRuntimeValue(a.Value, name!, variable, runtime);
                return;
            }

            if (variable.Value is RuntimeBits backing)
            {
                // The variable already lives in run-time bits (it holds a copy of measured bits): store the constant there.
                StoreBits(a.At, backing.Clbits, Convert(a.At, value, variable.Type));
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
    /// Stores a copy of measured bits in an int, uint or bool variable (Qiskit's exporter writes
    /// <c>switch_dummy = c;</c> before a switch): the variable moves into scratch bits of its width, which later tests
    /// read at run time. Only plain bits are stored; arithmetic on them is refused, never dropped.
    /// </summary>
    private void StoreRuntimeValue(Expr source, string name, ValueSymbol variable, RuntimeBits value)
    {
        var type = variable.Type;
        RequirePlainBits(source, $"the value of '{name}'");
        if (type.Name is not ("int" or "uint" or "bool"))
        {
            throw Error(source.At, $"'{name}' would hold a value known only at run time (from a measurement); VnQuantum evaluates {type.Name} variables when the program is compiled");
        }

        if (variable.IsConst)
        {
            throw Error(source.At, $"'{name}' is a constant; it cannot hold a measurement result");
        }

        int width = type.Name == "bool" ? 1 : type.Width is null ? 64 : PositiveInt(type.Width, "a width");
        int[] sourceBits = value.Clbits;
        if (type.Name == "bool" && sourceBits.Length != 1)
        {
            throw Error(source.At, $"'{name}' is a bool; give it one bit, or a comparison in an if");
        }

        if (type.Name == "int" && sourceBits.Length >= width)
        {
            throw Error(source.At, $"{sourceBits.Length} measured bits in the int[{width}] '{name}' could set its sign bit; declare it uint[{width}] or wider");
        }

        if (variable.Value is not RuntimeBits backing)
        {
            if (_runtimeBranchDepth > 0)
            {
                throw Error(source.At, $"'{name}' first takes a measured value inside a branch or loop that depends on a measurement; assign it one before the branch");
            }

            backing = new RuntimeBits(AllocateScratch(width));
            variable.Value = backing;
        }

        int copied = Math.Min(width, sourceBits.Length);
        Emit(source.At, new CopyBitsOperation([.. backing.Clbits[..copied]], [.. sourceBits[..copied]]));
        if (copied < width)
        {
            Emit(source.At, new SetBitsOperation([.. backing.Clbits[copied..]], [.. new bool[width - copied]]));
        }
    }

    /// <summary>Writes a value into bits: constants now (and at run time), measured bits by copying at run time.</summary>
    private void StoreBits(Token at, int[] bits, object value, Expr? source = null)
    {
        if (value is RuntimeBits runtime)
        {
            if (source is not null)
            {
                RequirePlainBits(source, "an assignment");
            }

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


using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <content>def and extern: subroutines inlined at each call.</content>
internal sealed partial class Qasm3Compiler
{
    private void RefuseExternCall(CallExpr call)
    {
        if (_scope.Find(call.Name) is ExternSymbol ext)
        {
            throw Error(call.At, $"'{call.Name}' is an extern function (declared at line {ext.Declaration.At.Line}): its body lives in the host that runs the program, and VnQuantum's simulators have none to call");
        }
    }

    private object? Call(CallExpr call, int[]? destination)
    {
        RefuseExternCall(call);
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
                BindArrayParameter(scope, parameter, argument);
                continue;
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
                // Classical arguments pass by value (as the specification says): the body works on a copy.
                var copy = AllocateScratch(width);
                if (value is RuntimeExpression computed)
                {
                    StoreBits(argument.At, copy, computed);
                }
                else
                {
                    var bits = value is RuntimeBits r ? r.Clbits : Bits(argument);
                    if (bits.Length != width)
                    {
                        throw Error(argument.At, $"'{parameter.Name}' takes {width} bit(s), {bits.Length} given");
                    }

                    StoreBits(argument.At, copy, value is RuntimeBits ? new RuntimeBits(bits) : value);
                }

                scope.Declare(parameter.Name, new BitSymbol(copy, parameter.Type.Width is not null, "bit"));
            }
            else
            {
                object value = Eval(argument);
                if (value is RuntimeOperand)
                {
                    throw Error(argument.At, $"'{parameter.Name}' would receive a value known only at run time; pass a bit register instead");
                }

                scope.Declare(parameter.Name, new ValueSymbol(Convert(argument.At, value, parameter.Type), parameter.Type, isConst: false));
            }
        }

        var saved = _scope;
        var savedLoops = _loops;
        _scope = scope;

        // A subroutine's body is outside the caller's loops: a 'break' there is an error, not the caller's break.
        _loops = new();
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
            _loops = savedLoops;
            _inlineDepth--;
        }
    }
}

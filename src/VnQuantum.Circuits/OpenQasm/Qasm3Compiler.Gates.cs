using System.Collections.Immutable;
using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <content>gate calls, modifiers (ctrl, negctrl, inv, pow) and gate definitions.</content>
internal sealed partial class Qasm3Compiler
{
    private void GateCall(GateCallStmt call)
    {
        if (call.Duration is not null)
        {
            DurationOf(call.Duration, $"'{call.Name}[…]'"); // checked, then ignored: gates here take no time
        }

        if (_scope.Find(call.Name) is SubroutineSymbol)
        {
            throw Error(call.At, $"'{call.Name}' is a subroutine: call it as {call.Name}(arguments…), with its qubits among the arguments");
        }

        var values = call.Parameters.Select(Eval).ToArray();
        int measured = Array.FindIndex(values, v => v is RuntimeOperand);
        if (measured >= 0)
        {
            GateCallWithMeasuredAngle(call, values, measured);
            return;
        }

        var parameters = values.Select((v, i) => ToDouble(call.Parameters[i].At, v)).ToArray();
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

    /// <summary>Rotations R(θ) with R(a + b) = R(a) R(b), the property <see cref="GateCallWithMeasuredAngle"/> rests on.</summary>
    private static readonly HashSet<string> AdditiveRotations =
        ["p", "phase", "u1", "rx", "ry", "rz", "cp", "cphase", "cu1", "crx", "cry", "crz", "rxx", "ryy", "rzz", "rzx", "gphase"];

    /// <summary>
    /// A rotation whose angle is an angle[n] variable holding measured bits (the specification's ipe.qasm:
    /// <c>inv @ phase(c) q;</c>). Its value is the sum over set bits k of 2π·2^k/2^n, below 2π, and a rotation of a
    /// sum is the product of rotations, so the gate becomes n rotations each conditioned on one bit — exact, with the
    /// modifiers kept (inv, pow and ctrl of a one-parameter rotation group are rotations of the same kind).
    /// </summary>
    private void GateCallWithMeasuredAngle(GateCallStmt call, object[] values, int measured)
    {
        var parameter = call.Parameters[measured];
        if (values.Count(v => v is RuntimeOperand) > 1)
        {
            throw Error(call.At, $"'{call.Name}' has more than one parameter known only at run time");
        }

        if (parameter is not NameExpr name || _scope.Find(name.Name) is not ValueSymbol { Type.Name: "angle", Value: RuntimeBits bits })
        {
            throw Error(parameter.At, "a gate parameter known only at run time (from a measurement) must be an angle[n] variable written by measurement");
        }

        if (!AdditiveRotations.Contains(call.Name) || _scope.Find(call.Name) is not null)
        {
            throw Error(call.At, $"a measured angle can drive the rotations {string.Join(", ", AdditiveRotations.Order(StringComparer.Ordinal))}, whose angles add; '{call.Name}' is not one of them");
        }

        int width = bits.Clbits.Length;
        for (int k = 0; k < width; k++)
        {
            double angle = 2 * Math.PI * Math.Pow(2, k - width);
            var parameters = call.Parameters.SetItem(measured, new LiteralExpr(parameter.At, angle));
            var rotation = Collect(call.At, () =>
            {
                GateCall(call with { Parameters = parameters });
                return Flow.Next;
            });
            if (!rotation.IsEmpty)
            {
                Emit(call.At, new IfElseOperation(new CompareCondition([bits.Clbits[k]], "==", 1), rotation, []));
            }
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
}

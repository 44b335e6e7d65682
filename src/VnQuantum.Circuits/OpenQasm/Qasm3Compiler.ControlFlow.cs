using System.Collections.Immutable;
using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <content>if/else, for, while, switch, break and continue.</content>
internal sealed partial class Qasm3Compiler
{
    private Flow If(IfStmt i)
    {
        object test = Eval(i.Condition);
        if (test is not RuntimeOperand)
        {
            bool taken = ToBool(i.Condition.At, test);
            return InScope(() => Statements(taken ? i.Then : i.Else ?? ImmutableArray<Stmt>.Empty));
        }

        var condition = Condition(i.Condition);
        var then = Collect(i.At, () => InScope(() => Statements(i.Then)));
        var orElse = i.Else is { } e ? Collect(i.At, () => InScope(() => Statements(e))) : [];
        ForgetKnownBits();

        // The OpenQASM 2 form (if (c == v) gate) when it fits, so both front ends give the same circuit.
        if (orElse.IsEmpty && condition is CompareCondition { Operator: "==" } compare && then.All(o => o is GateCallOperation or MeasureOperation or ResetOperation or UnitaryOperation && o.Condition is null)
            && RegisterView(compare.Bits) is { } register)
        {
            foreach (var op in then)
            {
                Emit(i.At, WithCondition(op, new Ir.Condition(register, compare.Value)));
            }

            return Flow.Next;
        }

        Emit(i.At, new IfElseOperation(condition, then, orElse));
        return Flow.Next;
    }

    private static Operation WithCondition(Operation op, Ir.Condition condition) => op switch
    {
        GateOperation g => new GateOperation(g.GateName, g.Parameters, g.Qubits, condition),
        MeasureOperation m => new MeasureOperation(m.Qubit, m.Clbit, condition),
        ResetOperation r => new ResetOperation(r.Qubit, condition),
        UnitaryOperation u => new IfElseOperation(new CompareCondition([.. Enumerable.Range(condition.Register.Offset, condition.Register.Size)], "==", condition.Value), [u], []),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>A register, or a one-bit view of a register bit, whose bits are exactly these (in order).</summary>
    private Register? RegisterView(ImmutableArray<int> bits)
    {
        if (bits.Any(_scratchBits.Contains))
        {
            return null;
        }

        foreach (var r in _classicalRegisters)
        {
            if (r.Size == bits.Length && bits.Select((b, k) => b == r.Offset + k).All(x => x))
            {
                return r;
            }

            if (bits.Length == 1 && bits[0] >= r.Offset && bits[0] < r.Offset + r.Size)
            {
                return new Register($"{r.Name}[{bits[0] - r.Offset}]", 1, bits[0]);
            }
        }

        return null;
    }

    private Flow For(ForStmt f)
    {
        IEnumerable<object> values = f.Iterable switch
        {
            RangeExpr r => Range(r),
            SetExpr s => s.Items.Select(Eval),
            _ when Eval(f.Iterable) is ArrayValue { Dimensions.Length: 1 } array => array.Elements.ToList(),
            _ => Eval(f.Iterable) is RuntimeOperand ? throw Error(f.Iterable.At, "iterating over bits known only at run time is not supported")
                : throw Error(f.Iterable.At, "a for loop runs over a range [a:b], [a:step:b] or a set {…}"),
        };
        return InLoop(frame =>
        {
            foreach (var value in values)
            {
                Step(f.At);
                Flow Iteration() => InScope(() =>
                {
                    _scope.Declare(f.Variable, new ValueSymbol(value, f.Type ?? new TypeRef(f.At, "int", null), isConst: false));
                    return Statements(f.Body);
                });

                if (frame.Flags is not null)
                {
                    // An earlier iteration may have broken out at run time: this one runs only if none did.
                    Emit(f.At, new SetBitsOperation([frame.Flags[1]], [false]));
                    var body = Collect(f.At, Iteration);
                    Emit(f.At, new IfElseOperation(frame.NotBroken(), body, []));
                    continue;
                }

                var flow = Iteration();
                if (flow is Flow.Break or Flow.Return)
                {
                    return flow == Flow.Return ? Flow.Return : Flow.Next;
                }
            }

            return Flow.Next;
        });
    }

    /// <summary>
    /// Compiles a loop inside its frame; if a run-time break or continue was compiled, clears the flags where the
    /// loop starts (a loop inside a loop on measured bits runs many times per shot).
    /// </summary>
    private Flow InLoop(Func<LoopFrame, Flow> loop)
    {
        var frame = new LoopFrame(_runtimeBranchDepth);
        var list = _emit.Peek();
        int start = list.Count, locationStart = _locations.Count;
        bool topLevel = _emit.Count == 1;
        _loops.Push(frame);
        try
        {
            return loop(frame);
        }
        finally
        {
            _loops.Pop();
            if (frame.Flags is not null)
            {
                list.Insert(start, new SetBitsOperation([.. frame.Flags], [false, false]));
                _operationCount++;
                if (topLevel)
                {
                    _locations.Insert(locationStart, _locations.Count > locationStart ? _locations[locationStart] : null);
                }
            }
        }
    }

    /// <summary>
    /// break or continue: a compile-time jump ends the unrolled loop (or iteration) here; one that depends on a
    /// measurement sets its flag at run time and ends only the current block (what follows is guarded).
    /// </summary>
    private Flow Jump(Token at, bool isBreak)
    {
        string word = isBreak ? "break" : "continue";
        if (_loops.Count == 0)
        {
            throw Error(at, $"'{word}' outside a loop");
        }

        var frame = _loops.Peek();
        if (_runtimeBranchDepth > frame.EntryDepth)
        {
            frame.Flags ??= AllocateScratch(2);
            Emit(at, new SetBitsOperation([frame.Flags[isBreak ? 0 : 1]], [true]));
            frame.Jumps++;
        }

        return isBreak ? Flow.Break : Flow.Continue;
    }

    private Flow Switch(SwitchStmt s)
    {
        object target = Eval(s.Target);
        var seen = new HashSet<BigInteger>();
        var labels = s.Cases.Select(c => c.Labels.Select(label =>
        {
            var value = ToBigInteger(label.At, Eval(label));
            return seen.Add(value) ? value : throw Error(label.At, $"the case value {value} appears twice in this switch");
        }).ToArray()).ToArray();
        if (target is not RuntimeOperand runtime)
        {
            var value = ToBigInteger(s.Target.At, target);
            for (int k = 0; k < s.Cases.Length; k++)
            {
                if (labels[k].Contains(value))
                {
                    return InScope(() => Statements(s.Cases[k].Body));
                }
            }

            return s.Default is { } only ? InScope(() => Statements(only)) : Flow.Next;
        }

        // On measured bits: a chain of if/else, one test per case, in order.
        var bodies = s.Cases.Select(c => Collect(c.At, () => InScope(() => Statements(c.Body)))).ToArray();
        var orElse = s.Default is { } d ? Collect(s.At, () => InScope(() => Statements(d))) : [];
        ForgetKnownBits();
        for (int k = s.Cases.Length - 1; k >= 0; k--)
        {
            ClassicalCondition? test = null;
            foreach (var value in labels[k])
            {
                ClassicalCondition one = runtime is RuntimeBits { Signed: false } bits ? new CompareCondition([.. bits.Clbits], "==", value)
                    : new ValueCondition(new BinaryValue("==", ToRuntimeValue(s.Target.At, runtime), ToRuntimeValue(s.At, ToLong(s.At, value))));
                test = test is null ? one : new LogicalCondition(false, test, one);
            }

            orElse = [new IfElseOperation(test!, bodies[k], orElse)];
        }

        foreach (var op in orElse)
        {
            Emit(s.At, op);
        }

        return Flow.Next;
    }

    private IEnumerable<object> Range(RangeExpr r)
    {
        if (r.Start is null || r.End is null)
        {
            throw Error(r.At, "a loop range needs a start and an end");
        }

        long start = ToLong(r.Start.At, Eval(r.Start));
        long end = ToLong(r.End.At, Eval(r.End));
        long step = r.Step is null ? 1 : ToLong(r.Step.At, Eval(r.Step));
        if (step == 0)
        {
            throw Error(r.At, "a range step of 0 never ends");
        }

        for (long v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            yield return v;
        }
    }

    private Flow While(WhileStmt w) => InLoop(frame => WhileLoop(w, frame));

    private Flow WhileLoop(WhileStmt w, LoopFrame frame)
    {
        while (true)
        {
            Step(w.At);
            object test = Eval(w.Condition);

            // A loop on measured bits runs at run time; so does one whose body broke out at run time (its later
            // iterations cannot change compile-time values, which a guarded body may not assign, so they are all alike).
            if (test is RuntimeOperand || (frame.Flags is not null && ToBool(w.Condition.At, test)))
            {
                ForgetKnownBits();
                var condition = Condition(w.Condition);
                var body = Collect(w.At, () => InScope(() => Statements(w.Body)));
                ForgetKnownBits();
                if (frame.Flags is not null)
                {
                    condition = new LogicalCondition(true, condition, frame.NotBroken());
                    body = [new SetBitsOperation([frame.Flags[1]], [false]), .. body];
                }

                Emit(w.At, new WhileOperation(condition, body));
                return Flow.Next;
            }

            if (!ToBool(w.Condition.At, test))
            {
                return Flow.Next;
            }

            var flow = InScope(() => Statements(w.Body));
            if (flow is Flow.Break or Flow.Return)
            {
                return flow == Flow.Return ? Flow.Return : Flow.Next;
            }
        }
    }

    /// <summary>The operations of a branch or loop body that runs at run time, on measured bits.</summary>
    private ImmutableArray<Operation> Collect(Token at, Func<Flow> body)
    {
        _emit.Push([]);
        _runtimeBranchDepth++;
        try
        {
            // A break or continue in here was compiled as a run-time jump (Jump); only a return cannot be.
            if (body() == Flow.Return)
            {
                throw Error(at, "'return' inside a branch or loop on a measurement result is not supported");
            }

            return [.. _emit.Peek()];
        }
        finally
        {
            _runtimeBranchDepth--;
            _emit.Pop();
        }
    }

    private void ForgetKnownBits() => _knownBits.Clear();

    /// <summary>
    /// A run-time test from an expression over measured bits. Comparisons of plain registers with constants or with
    /// each other are exact at any width; anything else (c + 1 == 3, a &amp; b) is computed as a 64-bit value.
    /// </summary>
    private ClassicalCondition Condition(Expr e)
    {
        switch (e)
        {
            case BinaryExpr { Operator: "&&" or "||" } logical:
                return new LogicalCondition(logical.Operator == "&&", Condition(logical.Left), Condition(logical.Right));
            case UnaryExpr { Operator: "!" } not:
                return new NotCondition(Condition(not.Operand));
            case BinaryExpr { Operator: "==" or "!=" or "<" or "<=" or ">" or ">=" } compare:
                {
                    object left = Eval(compare.Left), right = Eval(compare.Right);
                    if (left is RuntimeBits { Signed: false } l && right is RuntimeBits { Signed: false } r)
                    {
                        return new RegisterCompareCondition([.. l.Clbits], compare.Operator, [.. r.Clbits]);
                    }

                    if (left is RuntimeBits { Signed: false } bits && right is not RuntimeOperand)
                    {
                        return new CompareCondition([.. bits.Clbits], compare.Operator, ToBigInteger(compare.Right.At, right));
                    }

                    if (right is RuntimeBits { Signed: false } bits2 && left is not RuntimeOperand)
                    {
                        string flipped = compare.Operator switch { "<" => ">", "<=" => ">=", ">" => "<", ">=" => "<=", _ => compare.Operator };
                        return new CompareCondition([.. bits2.Clbits], flipped, ToBigInteger(compare.Left.At, left));
                    }

                    if (left is RuntimeOperand || right is RuntimeOperand)
                    {
                        return new ValueCondition(new BinaryValue(compare.Operator, ToRuntimeValue(compare.Left.At, left), ToRuntimeValue(compare.Right.At, right)));
                    }

                    return new CompareCondition([], ToBool(compare.At, Binary(compare.At, compare.Operator, left, right)) ? "==" : "!=", 0);
                }

            default:
                {
                    object value = Eval(e);
                    return value switch
                    {
                        RuntimeBits { Signed: false } bits => new CompareCondition([.. bits.Clbits], "!=", 0),
                        RuntimeOperand runtime => new ValueCondition(ToRuntimeValue(e.At, runtime)),
                        _ => new CompareCondition([], ToBool(e.At, value) ? "==" : "!=", 0),
                    };
                }
        }
    }
}

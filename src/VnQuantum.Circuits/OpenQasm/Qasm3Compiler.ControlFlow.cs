using System.Collections.Immutable;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <content>if/else, for, while, switch, break and continue.</content>
internal sealed partial class Qasm3Compiler
{
    private Flow If(IfStmt i)
    {
        object test = Eval(i.Condition);
        if (test is not RuntimeBits)
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
            _ => Eval(f.Iterable) is RuntimeBits ? throw Error(f.Iterable.At, "iterating over bits known only at run time is not supported")
                : throw Error(f.Iterable.At, "a for loop runs over a range [a:b], [a:step:b] or a set {…}"),
        };
        _loopDepth++;
        try
        {
            foreach (var value in values)
            {
                Step(f.At);
                var saved = _scope;
                _scope = new Scope(saved);
                _scope.Declare(f.Variable, new ValueSymbol(value, f.Type ?? new TypeRef(f.At, "int", null), isConst: false));
                Flow flow;
                try
                {
                    flow = Statements(f.Body);
                }
                finally
                {
                    _scope = saved;
                }

                if (flow is Flow.Break or Flow.Return)
                {
                    return flow == Flow.Return ? Flow.Return : Flow.Next;
                }
            }

            return Flow.Next;
        }
        finally
        {
            _loopDepth--;
        }
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

    private Flow While(WhileStmt w)
    {
        _loopDepth++;
        try
        {
            return WhileLoop(w);
        }
        finally
        {
            _loopDepth--;
        }
    }

    private Flow WhileLoop(WhileStmt w)
    {
        while (true)
        {
            Step(w.At);
            object test = Eval(w.Condition);
            if (test is RuntimeBits)
            {
                // From here on the loop depends on measurements: the executor runs it each shot.
                ForgetKnownBits();
                var condition = Condition(w.Condition);
                var body = Collect(w.At, () => InScope(() => Statements(w.Body)));
                ForgetKnownBits();
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

    /// <summary>A run-time test from an expression over measured bits: comparisons with constants, !, &amp;&amp;, ||.</summary>
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
                    if (left is RuntimeBits bits && right is not RuntimeBits)
                    {
                        return new CompareCondition([.. bits.Clbits], compare.Operator, (ulong)ToLong(compare.Right.At, right is bool b ? (b ? 1L : 0L) : right));
                    }

                    if (right is RuntimeBits bits2 && left is not RuntimeBits)
                    {
                        string flipped = compare.Operator switch { "<" => ">", "<=" => ">=", ">" => "<", ">=" => "<=", _ => compare.Operator };
                        return new CompareCondition([.. bits2.Clbits], flipped, (ulong)ToLong(compare.Left.At, left is bool b ? (b ? 1L : 0L) : left));
                    }

                    throw Error(compare.At, "a test on measured bits compares them with a constant (e.g. c == 1, int[4](c) != 0)");
                }

            default:
                {
                    object value = Eval(e);
                    if (value is RuntimeBits bits)
                    {
                        return new CompareCondition([.. bits.Clbits], "!=", 0);
                    }

                    return new CompareCondition([], ToBool(e.At, value) ? "==" : "!=", 0);
                }
        }
    }
}

using VnQuantum.Circuits.Ir;
using VnQuantum.Randomness;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Execution;

/// <summary>
/// Runs a noiseless dynamic circuit once for all its shots, as Qiskit Aer's shot branching does: the shots share one
/// state until a mid-circuit measurement or reset whose outcome they draw differently; there the state splits into
/// branches, each carrying the shots that drew its outcome, and after a reset two branches whose states and bits
/// agree merge again. Classical control (if, while, switch, stores) runs per branch on its own bits.
/// </summary>
/// <remarks>
/// Each shot draws from its own stream (<see cref="ShotStreams"/>), one number per measurement or reset, and the
/// rule that turns the number into an outcome is <see cref="StateVector.Measure"/>'s, so the counts are those of
/// running each shot on its own with the same streams (<see cref="CircuitExecutor"/>'s per-shot path), up to the
/// rounding a merge ignores. When branches would need more memory than <paramref name="maxBranches"/> states,
/// <see cref="Run"/> gives up and returns false; the caller then runs the shots one by one, with the same result.
/// </remarks>
internal sealed class ShotBranching(Circuit circuit, int maxBranches, CancellationToken cancel)
{
    /// <summary>After a reset, two branches whose amplitudes differ by no more than this are one state.</summary>
    private const double MergeTolerance = 1e-13;

    private readonly Dictionary<Operation, CompiledOperation> _nested = new(ReferenceEqualityComparer.Instance);

    /// <summary>The copies made at splits and not yet merged away; all freed when the run ends, however it ends.</summary>
    private readonly HashSet<StateVector> _copies = new(ReferenceEqualityComparer.Instance);
    private int _live;

    /// <summary>
    /// Asked after each top-level operation with (operations done, operations in all); false gives the run up, as
    /// the memory limit does: the caller has a cheaper way to run the shots (a sparse state) and branching is on
    /// course to cost more.
    /// </summary>
    public Func<int, int, bool>? WorthContinuing { get; init; }

    /// <summary>The number of branches the run reached at most (for the result's metadata and the tests).</summary>
    public int PeakBranches { get; private set; }

    /// <summary>
    /// Runs every shot from |0…0⟩ (the <paramref name="state"/> given, which becomes one of the branches) and adds
    /// each final branch's bits to <paramref name="counts"/> with its number of shots. False (and
    /// <paramref name="counts"/> untouched) when the branches would exceed the limit or <see cref="WorthContinuing"/> says stop.
    /// </summary>
    public bool Run(IReadOnlyList<CompiledOperation> compiled, StateVector state, SeededRandom[] streams, Dictionary<string, int> counts, Action<int, int>? progress = null)
    {
        var root = new Branch(state, new bool[circuit.ClbitCount], [.. Enumerable.Range(0, streams.Length)]);
        List<Branch> branches = [root];
        _live = 1;
        PeakBranches = 1;
        try
        {
            for (int i = 0; i < compiled.Count; i++)
            {
                branches = Step(compiled[i], branches, streams);
                progress?.Invoke(i, compiled.Count);
                if (WorthContinuing is { } worth && !worth(i + 1, compiled.Count))
                {
                    return false;
                }
            }
        }
        catch (BranchLimitException)
        {
            return false;
        }
        catch (DivideByZeroException e)
        {
            throw new CircuitExecutionException(e.Message);
        }
        finally
        {
            foreach (var copy in _copies)
            {
                copy.Dispose();
            }

            _copies.Clear();
        }

        foreach (var branch in branches.Where(_ => circuit.ClbitCount > 0))
        {
            string key = CircuitExecutor.CountsKey(circuit, branch.Clbits);
            counts[key] = counts.GetValueOrDefault(key) + branch.Shots.Count;
        }

        return true;
    }

    private List<Branch> Step(CompiledOperation op, List<Branch> branches, SeededRandom[] streams)
    {
        cancel.ThrowIfCancellationRequested();
        var next = new List<Branch>(branches.Count);
        foreach (var branch in branches)
        {
            StepOne(op, branch, streams, next);
        }

        return next;
    }

    private List<Branch> RunBlock(IEnumerable<Operation> block, List<Branch> branches, SeededRandom[] streams)
    {
        foreach (var op in block)
        {
            if (!_nested.TryGetValue(op, out var compiled))
            {
                compiled = CompiledOperation.Compile(op, circuit);
                _nested[op] = compiled;
            }

            branches = Step(compiled, branches, streams);
        }

        return branches;
    }

    private void StepOne(CompiledOperation op, Branch branch, SeededRandom[] streams, List<Branch> into)
    {
        var source = op.Source;
        if (source.Condition is { } condition && !ShotInterpreter.Holds(condition, branch.Clbits))
        {
            into.Add(branch);
            return;
        }

        switch (source)
        {
            case IfElseOperation test:
                into.AddRange(RunBlock(test.Test.Evaluate(branch.Clbits) ? test.Body : test.OrElse, [branch], streams));
                return;
            case WhileOperation loop:
                RunWhile(loop, branch, streams, into);
                return;
            case CopyBitsOperation copy:
                copy.Execute(branch.Clbits);
                break;
            case ComputeBitsOperation compute:
                compute.Execute(branch.Clbits);
                break;
            case SetBitsOperation set:
                set.Execute(branch.Clbits);
                break;
            case MeasureOperation m:
                Split(branch, m.Qubit, m.Clbit, streams, into);
                return;
            case ResetOperation r:
                Split(branch, r.Qubit, clbit: -1, streams, into);
                return;
            default:
                op.ApplyUnitary(branch.State);
                break;
        }

        into.Add(branch);
    }

    /// <summary>A loop runs per branch: a branch that splits inside the body goes round again as two.</summary>
    private void RunWhile(WhileOperation loop, Branch branch, SeededRandom[] streams, List<Branch> into)
    {
        var pending = new Stack<(Branch Branch, int Iterations)>();
        pending.Push((branch, 0));
        while (pending.TryPop(out var item))
        {
            if (!loop.Test.Evaluate(item.Branch.Clbits))
            {
                into.Add(item.Branch);
                continue;
            }

            if (item.Iterations >= WhileOperation.MaxIterations)
            {
                throw new CircuitExecutionException($"a while loop ran {WhileOperation.MaxIterations:N0} times in one shot; it may never end");
            }

            foreach (var after in RunBlock(loop.Body, [item.Branch], streams))
            {
                pending.Push((after, item.Iterations + 1));
            }
        }
    }

    /// <summary>
    /// A measurement (<paramref name="clbit"/> ≥ 0) or a reset (−1) of <paramref name="qubit"/>: each shot of the
    /// branch draws its outcome; the shots that drew 1 leave in a copy of the state when there are shots on both sides.
    /// </summary>
    private void Split(Branch branch, int qubit, int clbit, SeededRandom[] streams, List<Branch> into)
    {
        // StateVector.Measure's arithmetic, so each shot's outcome is the one a lone run would draw.
        var weights = branch.State.OutcomeWeights(qubit);
        List<int> ones = [], zeros = [];
        foreach (int shot in branch.Shots)
        {
            (ProjectiveMeasurement.Outcome(weights.Zero, weights.One, streams[shot].NextDouble()) == 1 ? ones : zeros).Add(shot);
        }

        if (ones.Count == 0 || zeros.Count == 0)
        {
            Collapse(branch, qubit, clbit, outcome: ones.Count > 0 ? 1 : 0, weights);
            into.Add(branch);
            return;
        }

        if (_live >= maxBranches)
        {
            throw new BranchLimitException();
        }

        var one = new Branch(branch.State.Clone(), (bool[])branch.Clbits.Clone(), ones);
        _copies.Add(one.State);
        _live++;
        PeakBranches = Math.Max(PeakBranches, _live);
        branch.Shots = zeros;
        Collapse(branch, qubit, clbit, 0, weights);
        Collapse(one, qubit, clbit, 1, weights);
        if (clbit < 0 && one.State.AmplitudesEqual(branch.State, MergeTolerance) && one.Clbits.AsSpan().SequenceEqual(branch.Clbits))
        {
            // The qubit was not entangled with the rest: after the reset both sides are the same state.
            branch.Shots = [.. zeros.Concat(ones).Order()];
            _copies.Remove(one.State);
            one.State.Dispose();
            _live--;
            into.Add(branch);
            return;
        }

        into.Add(branch);
        into.Add(one);
    }

    private static void Collapse(Branch branch, int qubit, int clbit, int outcome, (double Zero, double One) weights)
    {
        branch.State.Collapse(qubit, outcome, weights);
        if (clbit >= 0)
        {
            branch.Clbits[clbit] = outcome == 1;
        }
        else if (outcome == 1)
        {
            branch.State.ApplyX(qubit);
        }
    }

    private sealed class Branch(StateVector state, bool[] clbits, List<int> shots)
    {
        public StateVector State { get; } = state;

        public bool[] Clbits { get; } = clbits;

        /// <summary>The shots on this branch, in increasing order.</summary>
        public List<int> Shots { get; set; } = shots;
    }

    private sealed class BranchLimitException : Exception
    {
    }
}

/// <summary>
/// One random stream per shot, fixed by the run's seed: shot s draws the same numbers whether it runs alone or
/// shares a branch, so per-shot runs and shot branching give the same counts.
/// </summary>
internal static class ShotStreams
{
    public static SeededRandom[] For(SeededRandom random, int shots) => For(random.NextUInt64(), shots);

    /// <summary>The streams of <paramref name="shots"/> shots from one root: the same root gives the same streams, so a path given up part-way starts again with fresh ones.</summary>
    public static SeededRandom[] For(ulong root, int shots)
    {
        var streams = new SeededRandom[shots];
        for (int s = 0; s < shots; s++)
        {
            // SplitMix64 inside the constructor spreads consecutive seeds over unrelated streams.
            streams[s] = new SeededRandom(root + ((ulong)s * 0x9E3779B97F4A7C15UL));
        }

        return streams;
    }
}

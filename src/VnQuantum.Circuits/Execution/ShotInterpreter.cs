using System.Numerics;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Execution;

/// <summary>What one shot does to a quantum state: the state vector (a trajectory) or the density matrix.</summary>
internal interface IShotState
{
    /// <summary>Back to |0…0⟩ for the next shot.</summary>
    void Restart();

    int Measure(int qubit, SeededRandom random);

    void Reset(int qubit, SeededRandom random);

    void Apply(CompiledOperation operation);

    void ApplyChannel(KrausChannel channel, int[] qubits, SeededRandom random);

    /// <summary>Basis-state indices of <paramref name="shots"/> samples of the whole register.</summary>
    long[] Sample(int shots, SeededRandom random);
}

/// <summary>
/// Runs one shot of a circuit operation by operation: conditions, mid-circuit measurement and reset, noise channels
/// (after a gate, before a measurement), readout errors, and OpenQASM 3's run-time if/else, while and bit stores.
/// Nested blocks are compiled once and cached.
/// </summary>
internal sealed class ShotInterpreter(Circuit circuit, NoiseModel? noise, CancellationToken cancel = default)
{
    private readonly Dictionary<Operation, (CompiledOperation Op, (KrausChannel Channel, int[] Qubits)[] Channels)> _nested = new(ReferenceEqualityComparer.Instance);

    /// <summary>Runs the top-level operations (already compiled) and then returns.</summary>
    public void Run(IReadOnlyList<CompiledOperation> compiled, (KrausChannel Channel, int[] Qubits)[][] channels, IShotState state, bool[] clbits, SeededRandom random, Action<int, int>? afterOperation = null)
    {
        try
        {
            for (int i = 0; i < compiled.Count; i++)
            {
                Step(compiled[i], channels[i], state, clbits, random);
                afterOperation?.Invoke(i + 1, compiled.Count);
            }
        }
        catch (DivideByZeroException e)
        {
            throw new CircuitExecutionException(e.Message);
        }
    }

    private void RunBlock(IEnumerable<Operation> block, IShotState state, bool[] clbits, SeededRandom random)
    {
        foreach (var op in block)
        {
            if (!_nested.TryGetValue(op, out var entry))
            {
                entry = (CompiledOperation.Compile(op, circuit), noise is null ? [] : noise.ChannelsFor(op).ToArray());
                _nested[op] = entry;
            }

            Step(entry.Op, entry.Channels, state, clbits, random);
        }
    }

    private void Step(CompiledOperation op, (KrausChannel Channel, int[] Qubits)[] channels, IShotState state, bool[] clbits, SeededRandom random)
    {
        // Per operation, not per shot: one shot of a wide circuit with a long loop can take seconds.
        cancel.ThrowIfCancellationRequested();
        var source = op.Source;
        if (source.Condition is { } condition && !Holds(condition, clbits))
        {
            return;
        }

        switch (source)
        {
            case IfElseOperation branch:
                RunBlock(branch.Test.Evaluate(clbits) ? branch.Body : branch.OrElse, state, clbits, random);
                return;
            case WhileOperation loop:
                {
                    int iterations = 0;
                    while (loop.Test.Evaluate(clbits))
                    {
                        if (++iterations > WhileOperation.MaxIterations)
                        {
                            throw new CircuitExecutionException($"a while loop ran {WhileOperation.MaxIterations:N0} times in one shot; it may never end");
                        }

                        RunBlock(loop.Body, state, clbits, random);
                    }

                    return;
                }

            case CopyBitsOperation copy:
                copy.Execute(clbits);
                return;
            case ComputeBitsOperation compute:
                compute.Execute(clbits);
                return;
            case SetBitsOperation set:
                set.Execute(clbits);
                return;
        }

        if (source is MeasureOperation)
        {
            foreach (var (channel, qubits) in channels)
            {
                state.ApplyChannel(channel, qubits, random);
            }
        }

        switch (source)
        {
            case MeasureOperation m:
                clbits[m.Clbit] = Misread(state.Measure(m.Qubit, random) == 1, m.Qubit, noise, random);
                return;
            case ResetOperation r:
                state.Reset(r.Qubit, random);
                break;
            default:
                state.Apply(op);
                break;
        }

        foreach (var (channel, qubits) in channels)
        {
            state.ApplyChannel(channel, qubits, random);
        }
    }

    public static bool Holds(Condition condition, ReadOnlySpan<bool> clbits) => condition.Holds(clbits);

    public static bool Misread(bool outcome, int qubit, NoiseModel? noise, SeededRandom random)
    {
        if (noise is null || !noise.Readout.TryGetValue(qubit, out var error))
        {
            return outcome;
        }

        double p = outcome ? error.OneToZero : error.ZeroToOne;
        return p > 0 && random.NextDouble() < p ? !outcome : outcome;
    }
}

/// <summary>A trajectory: channels are sampled (a Pauli drawn directly; a general channel by the weights of its Kraus operators).</summary>
internal sealed class StateVectorShot(StateVector state) : IShotState
{
    public StateVector State => state;

    private static readonly Complex[] PauliY = [0, -Complex.ImaginaryOne, Complex.ImaginaryOne, 0];

    public void Restart() => state.SetBasisState(0);

    public long[] Sample(int shots, SeededRandom random) => state.Sample(shots, random);

    public int Measure(int qubit, SeededRandom random) => state.Measure(qubit, random);

    public void Reset(int qubit, SeededRandom random) => state.ResetQubit(qubit, random);

    public void Apply(CompiledOperation operation) => operation.ApplyUnitary(state);

    /// <summary>
    /// A Pauli channel draws its Pauli directly; a general channel draws Kraus operator K with probability
    /// ‖K ψ‖² = Tr(K ρ_q K†) from the reduced density matrix of its qubits, then applies K/‖K ψ‖.
    /// </summary>
    public void ApplyChannel(KrausChannel channel, int[] qubits, SeededRandom random)
    {
        if (channel.IsPauliChannel)
        {
            int pauli = PauliFrameSampler.DrawPauli(channel.PauliProbabilities.AsSpan(), random.NextDouble());
            for (int k = 0; k < qubits.Length; k++)
            {
                switch ((pauli >> (2 * k)) & 3)
                {
                    case 1: state.ApplyX(qubits[k]); break;
                    case 2: state.ApplyPhase(qubits[k], -1); break;
                    case 3: state.ApplyMatrix1(qubits[k], PauliY); break;
                }
            }

            return;
        }

        var rho = state.ReducedDensityMatrix(qubits);
        int dim = 1 << qubits.Length;
        double u = random.NextDouble();
        double acc = 0;
        int chosen = channel.Operators.Length - 1;
        double chosenWeight = 0;
        for (int k = 0; k < channel.Operators.Length; k++)
        {
            double weight = KrausWeight(channel.Operators[k].AsSpan(), rho, dim);
            acc += weight;
            if (u < acc || k == channel.Operators.Length - 1)
            {
                chosen = k;
                chosenWeight = weight;
                break;
            }
        }

        if (chosenWeight <= 0)
        {
            return;
        }

        var scaled = channel.Operators[chosen].Select(z => z / Math.Sqrt(chosenWeight)).ToArray();
        if (qubits.Length == 1)
        {
            state.ApplyMatrix1(qubits[0], scaled);
        }
        else
        {
            state.ApplyMatrix2(qubits[0], qubits[1], scaled);
        }
    }

    /// <summary>Tr(K ρ K†) for a small K and ρ (row-major, dim×dim).</summary>
    private static double KrausWeight(ReadOnlySpan<Complex> k, Complex[] rho, int dim)
    {
        double sum = 0;
        for (int r = 0; r < dim; r++)
        {
            for (int a = 0; a < dim; a++)
            {
                var kra = k[(r * dim) + a];
                if (kra == Complex.Zero)
                {
                    continue;
                }

                for (int b = 0; b < dim; b++)
                {
                    sum += (kra * rho[(a * dim) + b] * Complex.Conjugate(k[(r * dim) + b])).Real;
                }
            }
        }

        return Math.Max(sum, 0);
    }
}

/// <summary>The exact mixed state: channels act in full; measurement collapses.</summary>
internal sealed class DensityMatrixShot(DensityMatrix rho) : IShotState
{
    public void Restart() => rho.SetBasisState(0);

    public long[] Sample(int shots, SeededRandom random) => rho.Sample(shots, random);

    public int Measure(int qubit, SeededRandom random) => rho.Measure(qubit, random);

    public void Reset(int qubit, SeededRandom random) => rho.Reset(qubit);

    public void Apply(CompiledOperation operation) => operation.ApplyUnitary(rho);

    public void ApplyChannel(KrausChannel channel, int[] qubits, SeededRandom random) => rho.ApplyChannel(channel, qubits);
}

/// <summary>
/// A matrix product state, noiseless: each dynamic shot re-evolves it. Whole-register samples are taken through
/// <see cref="MatrixProductState.Sample"/>, as a basis-state index does not hold more than 63 qubits.
/// </summary>
internal sealed class MatrixProductStateShot(MatrixProductState state) : IShotState
{
    private double _discarded;
    private int _largestBond = 1;

    public MatrixProductState State => state;

    /// <summary>The most weight any shot discarded and the largest bond any shot reached, this one included.</summary>
    public (double DiscardedWeight, int LargestBond) WorstSoFar() =>
        (Math.Max(_discarded, state.DiscardedWeight), Math.Max(_largestBond, state.LargestBond));

    public void Restart()
    {
        (_discarded, _largestBond) = WorstSoFar();
        state.SetZeroState();
    }

    public long[] Sample(int shots, SeededRandom random) =>
        throw new InvalidOperationException("a matrix product state is sampled outcome by outcome (MatrixProductState.Sample)");

    public int Measure(int qubit, SeededRandom random) => state.Measure(qubit, random.NextDouble());

    public void Reset(int qubit, SeededRandom random) => state.Reset(qubit, random.NextDouble());

    public void Apply(CompiledOperation operation) => operation.ApplyUnitary(state);

    public void ApplyChannel(KrausChannel channel, int[] qubits, SeededRandom random) =>
        throw new InvalidOperationException("the mps method is noiseless");
}

/// <summary>A state vector split over MPI ranks: every rank runs the same shots with the same streams.</summary>
internal sealed class DistributedShot(DistributedStateVector state) : IShotState
{
    public void Restart() => state.Restart();

    public long[] Sample(int shots, SeededRandom random) => state.Sample(shots, random);

    public int Measure(int qubit, SeededRandom random) => state.Measure(qubit, random);

    public void Reset(int qubit, SeededRandom random) => state.Reset(qubit, random);

    public void Apply(CompiledOperation operation) => operation.ApplyUnitary(state);

    public void ApplyChannel(KrausChannel channel, int[] qubits, SeededRandom random) =>
        throw new CircuitExecutionException("the state split over MPI ranks is noiseless");
}

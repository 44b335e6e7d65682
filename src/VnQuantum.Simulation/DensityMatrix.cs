using System.Numerics;
using VnQuantum.Randomness;
using VnQuantum.Simulation.Noise;

namespace VnQuantum.Simulation;

/// <summary>
/// A mixed state of n qubits as its 2^n×2^n density matrix, stored column-stacked as a 2n-qubit vector
/// (element ρ[r, c] at index r + 2^n·c), so that the state-vector kernels do the work: a gate U on qubit q is U on
/// "row qubit" q and Ū on "column qubit" q + n, and a channel is its superoperator Σ K ⊗ K̄ on (q, q + n). This is
/// the layout Qiskit Aer's density-matrix method uses; it inherits the SIMD paths, the threads and the
/// no-allocation property of <see cref="StateVector"/>.
/// </summary>
public sealed class DensityMatrix : IDisposable
{
    private readonly StateVector _vector;
    private readonly long _dimension;

    private DensityMatrix(StateVector vector, int qubits)
    {
        _vector = vector;
        QubitCount = qubits;
        _dimension = 1L << qubits;
    }

    /// <summary>The most qubits a density matrix may have here (its 4^n entries live in one 2n-qubit vector).</summary>
    public const int MaxQubits = StateVector.MaxQubits / 2;

    public int QubitCount { get; }

    public int Threads => _vector.Threads;

    /// <summary>Bytes a density matrix of <paramref name="qubits"/> qubits needs.</summary>
    public static long RequiredBytes(int qubits, Precision precision = Precision.Double) => StateVector.RequiredBytes(2 * qubits, precision);

    /// <summary>Allocates |0…0⟩⟨0…0| on <paramref name="qubits"/> qubits.</summary>
    /// <exception cref="StateTooLargeException">It needs more memory than this machine has; the message says how much.</exception>
    public static DensityMatrix Create(int qubits, Precision precision = Precision.Double, int threads = 0, KernelPath path = KernelPath.Auto)
    {
        if (qubits < 1 || qubits > MaxQubits)
        {
            throw new ArgumentOutOfRangeException(nameof(qubits), qubits, $"A density matrix has 1 to {MaxQubits} qubits.");
        }

        EnsureFits(qubits, precision);
        return new DensityMatrix(StateVector.Create(2 * qubits, precision, threads, path), qubits);
    }

    /// <summary>Throws <see cref="StateTooLargeException"/> with the memory needed when the matrix would not fit.</summary>
    public static void EnsureFits(int qubits, Precision precision)
    {
        try
        {
            StateVector.EnsureFits(2 * qubits, precision);
        }
        catch (StateTooLargeException e)
        {
            throw new StateTooLargeException(
                $"A {qubits}-qubit density matrix needs {StateVector.FormatBytes(RequiredBytes(qubits, precision))} " +
                $"(4^{qubits} entries); {e.Message.Split("; ")[^1]} Use trajectories (--method trajectories) for more qubits.");
        }
    }

    /// <summary>Sets ρ = |index⟩⟨index|.</summary>
    public void SetBasisState(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _dimension);
        _vector.SetBasisState(index * (_dimension + 1));
    }

    /// <summary>ρ[row, column].</summary>
    public Complex this[long row, long column] => _vector.GetAmplitude(row + (column << QubitCount));

    /// <summary>Sets ρ = |ψ⟩⟨ψ| from amplitudes (2^n of them).</summary>
    public void SetPureState(ReadOnlySpan<Complex> amplitudes)
    {
        if (amplitudes.Length != _dimension)
        {
            throw new ArgumentException($"Expected {_dimension} amplitudes, got {amplitudes.Length}.", nameof(amplitudes));
        }

        var entries = new Complex[_dimension * _dimension];
        for (long c = 0; c < _dimension; c++)
        {
            for (long r = 0; r < _dimension; r++)
            {
                entries[r + (c * _dimension)] = amplitudes[(int)r] * Complex.Conjugate(amplitudes[(int)c]);
            }
        }

        _vector.CopyFrom(entries);
    }

    /// <summary>The whole matrix, row-major (n ≤ 13).</summary>
    public Complex[,] ToArray()
    {
        if (QubitCount > 13)
        {
            throw new InvalidOperationException($"A {QubitCount}-qubit density matrix is too large to copy out.");
        }

        var m = new Complex[_dimension, _dimension];
        for (long r = 0; r < _dimension; r++)
        {
            for (long c = 0; c < _dimension; c++)
            {
                m[r, c] = this[r, c];
            }
        }

        return m;
    }

    /// <summary>Applies U ρ U† for a 2^k×2^k matrix on <paramref name="targets"/> (index bit i = targets[i]), on the subspace where all controls are 1.</summary>
    public void ApplyMatrix(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls = default)
    {
        RequireQubits(targets);
        RequireQubits(controls);
        if (targets.Length == 1 && controls.IsEmpty)
        {
            // One pass with U ⊗ Ū on (q, q + n) instead of two passes over the whole matrix.
            Span<Complex> super = stackalloc Complex[16];
            for (int r = 0; r < 2; r++)
            {
                for (int c = 0; c < 2; c++)
                {
                    for (int r0 = 0; r0 < 2; r0++)
                    {
                        for (int c0 = 0; c0 < 2; c0++)
                        {
                            super[((r | (c << 1)) * 4) + (r0 | (c0 << 1))] = matrix[(r * 2) + r0] * Complex.Conjugate(matrix[(c * 2) + c0]);
                        }
                    }
                }
            }

            _vector.ApplyMatrix2(targets[0], targets[0] + QubitCount, super);
            return;
        }

        Span<int> shiftedTargets = stackalloc int[targets.Length];
        Span<int> shiftedControls = stackalloc int[controls.Length];
        Shift(targets, shiftedTargets);
        Shift(controls, shiftedControls);
        Span<Complex> conjugate = matrix.Length <= 1024 ? stackalloc Complex[matrix.Length] : new Complex[matrix.Length];
        for (int i = 0; i < matrix.Length; i++)
        {
            conjugate[i] = Complex.Conjugate(matrix[i]);
        }

        _vector.ApplyMatrix(targets, matrix, controls);
        _vector.ApplyMatrix(shiftedTargets, conjugate, shiftedControls);
    }

    /// <summary>X (with controls) on both sides: a permutation of rows and of columns.</summary>
    public void ApplyX(int target, ReadOnlySpan<int> controls = default)
    {
        RequireQubit(target);
        RequireQubits(controls);
        Span<int> shifted = stackalloc int[controls.Length];
        Shift(controls, shifted);
        _vector.ApplyX(target, controls);
        _vector.ApplyX(target + QubitCount, shifted);
    }

    /// <summary>SWAP (with controls) on both sides.</summary>
    public void ApplySwap(int a, int b, ReadOnlySpan<int> controls = default)
    {
        RequireQubit(a);
        RequireQubit(b);
        RequireQubits(controls);
        Span<int> shifted = stackalloc int[controls.Length];
        Shift(controls, shifted);
        _vector.ApplySwap(a, b, controls);
        _vector.ApplySwap(a + QubitCount, b + QubitCount, shifted);
    }

    /// <summary>diag(d0, d1) on <paramref name="target"/> (with controls) on both sides.</summary>
    public void ApplyDiagonal1(int target, Complex d0, Complex d1, ReadOnlySpan<int> controls = default)
    {
        RequireQubit(target);
        RequireQubits(controls);
        Span<int> shifted = stackalloc int[controls.Length];
        Shift(controls, shifted);
        _vector.ApplyDiagonal1(target, d0, d1, controls);
        _vector.ApplyDiagonal1(target + QubitCount, Complex.Conjugate(d0), Complex.Conjugate(d1), shifted);
    }

    /// <summary>Applies a channel to <paramref name="qubits"/> (as many as the channel has; index bit i = qubits[i]).</summary>
    public void ApplyChannel(KrausChannel channel, ReadOnlySpan<int> qubits)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (qubits.Length != channel.QubitCount)
        {
            throw new ArgumentException($"Channel {channel.Name} acts on {channel.QubitCount} qubit(s); {qubits.Length} given.", nameof(qubits));
        }

        RequireQubits(qubits);
        if (channel.IsPauliChannel)
        {
            ApplyPauliChannel(channel, qubits);
            return;
        }

        var super = channel.SuperoperatorView;
        if (qubits.Length == 1)
        {
            _vector.ApplyMatrix2(qubits[0], qubits[0] + QubitCount, super);
        }
        else
        {
            _vector.ApplyMatrix([qubits[0], qubits[1], qubits[0] + QubitCount, qubits[1] + QubitCount], super);
        }
    }

    /// <summary>
    /// A Pauli channel without its dense superoperator: P ρ P† moves entry (r, c) to (r ⊕ x, c ⊕ x) with the sign
    /// (−1)^(z·(r ⊕ c)) (the phase of Y cancels), so each output entry is a real-weighted sum of 2^k inputs, the
    /// weights w[x][d] = Σ_z p(x, z)·(−1)^(z·d) with d = r ⊕ c on the channel's qubits.
    /// </summary>
    private void ApplyPauliChannel(KrausChannel channel, ReadOnlySpan<int> qubits)
    {
        int k = qubits.Length;
        int patterns = 1 << k, members = 1 << (2 * k);
        var p = channel.PauliProbabilities;
        Span<double> w = stackalloc double[patterns * patterns];
        for (int index = 0; index < p.Length; index++)
        {
            int x = 0, z = 0;
            for (int q = 0; q < k; q++)
            {
                x |= ((index >> (2 * q)) & 1) << q;
                z |= ((index >> ((2 * q) + 1)) & 1) << q;
            }

            for (int d = 0; d < patterns; d++)
            {
                w[(x * patterns) + d] += (int.PopCount(z & d) & 1) == 0 ? p[index] : -p[index];
            }
        }

        Span<int> targets = stackalloc int[2 * k];
        for (int q = 0; q < k; q++)
        {
            targets[q] = qubits[q];
            targets[k + q] = qubits[q] + QubitCount;
        }

        Span<int> sources = stackalloc int[members * patterns];
        Span<double> weights = stackalloc double[members * patterns];
        for (int m = 0; m < members; m++)
        {
            int row = m & (patterns - 1), column = m >> k;
            for (int x = 0; x < patterns; x++)
            {
                sources[(m * patterns) + x] = (row ^ x) | ((column ^ x) << k);
                weights[(m * patterns) + x] = w[(x * patterns) + (row ^ column)];
            }
        }

        _vector.ApplySparseReal(targets, sources, weights, patterns);
    }

    /// <summary>Tr ρ (1 up to rounding for a trace-preserving evolution).</summary>
    public double Trace()
    {
        double sum = 0;
        for (long i = 0; i < _dimension; i++)
        {
            sum += this[i, i].Real;
        }

        return sum;
    }

    /// <summary>Tr ρ² (1 for a pure state, 2^−n for the maximally mixed one).</summary>
    public double Purity() => _vector.NormSquared();

    /// <summary>The probabilities of the computational basis states: the diagonal of ρ.</summary>
    public double[] Probabilities()
    {
        var p = new double[_dimension];
        for (long i = 0; i < _dimension; i++)
        {
            p[i] = Math.Max(0, this[i, i].Real);
        }

        return p;
    }

    /// <summary>The probability that measuring <paramref name="qubit"/> gives 1.</summary>
    public double ProbabilityOfOne(int qubit)
    {
        RequireQubit(qubit);
        double sum = 0;
        for (long i = 1L << qubit; i < _dimension; i = (i + 1) | (1L << qubit))
        {
            sum += this[i, i].Real;
        }

        return Math.Clamp(sum, 0, 1);
    }

    /// <summary>⟨ψ|ρ|ψ⟩: the fidelity with a pure state.</summary>
    public double Fidelity(ReadOnlySpan<Complex> pure)
    {
        if (pure.Length != _dimension)
        {
            throw new ArgumentException($"Expected {_dimension} amplitudes, got {pure.Length}.", nameof(pure));
        }

        Complex sum = 0;
        for (long r = 0; r < _dimension; r++)
        {
            if (pure[(int)r] == Complex.Zero)
            {
                continue;
            }

            for (long c = 0; c < _dimension; c++)
            {
                sum += Complex.Conjugate(pure[(int)r]) * this[r, c] * pure[(int)c];
            }
        }

        return sum.Real;
    }

    /// <summary>Tr(P ρ) for a Pauli string (its rightmost letter on qubit 0).</summary>
    public double Expectation(PauliString pauli)
    {
        ArgumentNullException.ThrowIfNull(pauli);
        if (pauli.Length > QubitCount)
        {
            throw new ArgumentException($"The Pauli string '{pauli}' names {pauli.Length} qubits; the state has {QubitCount}.", nameof(pauli));
        }

        // P|j⟩ = i^#Y (−1)^popcount(j ∧ z) |j ⊕ x⟩, so Tr(Pρ) = Σ_j ⟨j ⊕ x|P|j⟩ ρ[j, j ⊕ x] = Σ_j i^#Y (−1)^popcount(j∧z) ρ[j, j ⊕ x].
        Complex sum = 0;
        for (long j = 0; j < _dimension; j++)
        {
            Complex term = this[j, j ^ pauli.XMask];
            sum += (long.PopCount(j & pauli.ZMask) & 1) == 0 ? term : -term;
        }

        Complex phase = (pauli.YCount & 3) switch { 0 => 1, 1 => Complex.ImaginaryOne, 2 => -1, _ => -Complex.ImaginaryOne };
        return (phase * sum).Real;
    }

    /// <summary>Measures <paramref name="qubit"/> in the Z basis, collapses ρ to P ρ P / p and returns the outcome.</summary>
    public int Measure(int qubit, SeededRandom random)
    {
        var (outcome, onZero, onOne) = ProjectiveMeasurement.Draw(1 - Math.Clamp(ProbabilityOfOne(qubit), 0, 1), Math.Clamp(ProbabilityOfOne(qubit), 0, 1), random);
        ApplyDiagonal1(qubit, onZero, onOne);
        return outcome;
    }

    /// <summary>Resets <paramref name="qubit"/> to |0⟩ deterministically: the channel {|0⟩⟨0|, |0⟩⟨1|}.</summary>
    public void Reset(int qubit) => ApplyChannel(ResetChannel.Value, [qubit]);

    /// <summary>Draws basis indices from the diagonal of ρ.</summary>
    public long[] Sample(int shots, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var cumulative = Probabilities();
        for (int i = 1; i < cumulative.Length; i++)
        {
            cumulative[i] += cumulative[i - 1];
        }

        double total = cumulative[^1];
        var result = new long[shots];
        for (int s = 0; s < shots; s++)
        {
            // The first index whose cumulative probability exceeds r.
            double r = random.NextDouble() * total;
            int lo = 0, hi = cumulative.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > r)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            result[s] = lo;
        }

        return result;
    }

    public void Dispose() => _vector.Dispose();

    private static readonly Lazy<KrausChannel> ResetChannel = new(() => KrausChannel.FromOperators([[1, 0, 0, 0], [0, 1, 0, 0]], "reset"));

    private void Shift(ReadOnlySpan<int> qubits, Span<int> shifted)
    {
        for (int i = 0; i < qubits.Length; i++)
        {
            shifted[i] = qubits[i] + QubitCount;
        }
    }

    private void RequireQubit(int qubit)
    {
        if ((uint)qubit >= (uint)QubitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(qubit), qubit, $"Qubit index must be in 0..{QubitCount - 1}.");
        }
    }

    private void RequireQubits(ReadOnlySpan<int> qubits)
    {
        foreach (int q in qubits)
        {
            RequireQubit(q);
        }
    }
}

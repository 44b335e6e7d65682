using System.Numerics;
using VnQuantum.Randomness;
using VnQuantum.Simulation.Kernels;

namespace VnQuantum.Simulation;

/// <content>Measurement, reset, probabilities, sampling, expectations and reduced density matrices.</content>
public sealed unsafe partial class StateVector
{
    /// <summary>The probability that measuring <paramref name="qubit"/> gives 1.</summary>
    public double ProbabilityOfOne(int qubit)
    {
        RequireQubit(qubit);
        long bit = 1L << qubit;
        return Precision == Precision.Double
            ? Reductions.Probability(_pool, (double*)_data, Length, bit, bit)
            : Reductions.Probability(_pool, (float*)_data, Length, bit, bit);
    }

    /// <summary>The weights of the halves where <paramref name="qubit"/> is 0 and 1: the probabilities of measuring them, summing to ⟨ψ|ψ⟩.</summary>
    public (double Zero, double One) OutcomeWeights(int qubit)
    {
        RequireQubit(qubit);
        long bit = 1L << qubit;
        return Precision == Precision.Double
            ? (Reductions.Probability(_pool, (double*)_data, Length, bit, 0), Reductions.Probability(_pool, (double*)_data, Length, bit, bit))
            : (Reductions.Probability(_pool, (float*)_data, Length, bit, 0), Reductions.Probability(_pool, (float*)_data, Length, bit, bit));
    }

    /// <summary>Collapses <paramref name="qubit"/> onto <paramref name="outcome"/> and renormalises, given the halves' weights (<see cref="OutcomeWeights"/>).</summary>
    public void Collapse(int qubit, int outcome, (double Zero, double One) weights) =>
        ApplyDiagonal1(qubit, ProjectiveMeasurement.Keep(weights.Zero, weights.One, outcome, 0), ProjectiveMeasurement.Keep(weights.Zero, weights.One, outcome, 1));

    /// <summary>⟨ψ|ψ⟩.</summary>
    public double NormSquared() => Precision == Precision.Double
        ? Reductions.Probability(_pool, (double*)_data, Length, 0, 0)
        : Reductions.Probability(_pool, (float*)_data, Length, 0, 0);

    /// <summary>Measures <paramref name="qubit"/> in the Z basis, collapses and renormalises the state, and returns 0 or 1.</summary>
    public int Measure(int qubit, SeededRandom random)
    {
        var (zero, one) = OutcomeWeights(qubit);
        var (outcome, onZero, onOne) = ProjectiveMeasurement.Draw(zero, one, random);
        ApplyDiagonal1(qubit, onZero, onOne);
        return outcome;
    }

    /// <summary>Resets <paramref name="qubit"/> to |0⟩ (measure, then flip on 1), as OpenQASM's <c>reset</c>.</summary>
    public void ResetQubit(int qubit, SeededRandom random)
    {
        if (Measure(qubit, random) == 1)
        {
            ApplyX(qubit);
        }
    }

    /// <summary>
    /// The reduced density matrix of one or two qubits (the rest traced out), row-major, index bit i = qubits[i]:
    /// what a trajectory needs to weigh the Kraus operators of a general channel.
    /// </summary>
    public Complex[] ReducedDensityMatrix(ReadOnlySpan<int> qubits)
    {
        if (qubits.Length is < 1 or > 2)
        {
            throw new ArgumentException("A reduced density matrix is offered for 1 or 2 qubits.", nameof(qubits));
        }

        Span<int> positions = stackalloc int[qubits.Length];
        Positions([], qubits, positions);
        return Precision == Precision.Double
            ? ReducedDensityMatrix<double>((double*)_data, Length, qubits)
            : ReducedDensityMatrix<float>((float*)_data, Length, qubits);
    }

    /// <summary>⟨ψ|P|ψ⟩ for a Pauli string (its rightmost letter on qubit 0).</summary>
    public double Expectation(PauliString pauli)
    {
        ArgumentNullException.ThrowIfNull(pauli);
        if (pauli.Length > QubitCount)
        {
            throw new ArgumentException($"The Pauli string '{pauli}' names {pauli.Length} qubits; the state has {QubitCount}.", nameof(pauli));
        }

        Complex sum = Precision == Precision.Double
            ? Reductions.PauliSum(_pool, (double*)_data, Length, pauli.XMask, pauli.ZMask)
            : Reductions.PauliSum(_pool, (float*)_data, Length, pauli.XMask, pauli.ZMask);
        Complex phase = (pauli.YCount & 3) switch { 0 => 1, 1 => Complex.ImaginaryOne, 2 => -1, _ => -Complex.ImaginaryOne };
        return (phase * sum).Real;
    }

    /// <summary>
    /// The probabilities of the basis states of <paramref name="qubits"/> (marginal over the rest); entry j has bit i
    /// equal to the outcome of qubits[i]. All qubits when <paramref name="qubits"/> is empty (n ≤ 27).
    /// </summary>
    public double[] Probabilities(ReadOnlySpan<int> qubits = default)
    {
        if (qubits.IsEmpty)
        {
            if (QubitCount > 27)
            {
                throw new InvalidOperationException($"All 2^{QubitCount} probabilities do not fit in an array; name the qubits to keep.");
            }

            var all = new double[Length];
            for (long i = 0; i < Length; i++)
            {
                all[i] = AmplitudeNorm(i);
            }

            return all;
        }

        if (qubits.Length > 27)
        {
            throw new ArgumentException("At most 27 qubits in a marginal distribution.", nameof(qubits));
        }

        foreach (int q in qubits)
        {
            RequireQubit(q);
        }

        var result = new double[1L << qubits.Length];
        int[] order = qubits.ToArray();
        for (long i = 0; i < Length; i++)
        {
            double p = AmplitudeNorm(i);
            if (p == 0)
            {
                continue;
            }

            long j = 0;
            for (int k = 0; k < order.Length; k++)
            {
                j |= ((i >> order[k]) & 1) << k;
            }

            result[j] += p;
        }

        return result;
    }

    /// <summary>
    /// Draws <paramref name="shots"/> basis indices from |ψ|² without copying the state: one pass of per-chunk
    /// probabilities, then one sweep over sorted uniforms. The result is sorted, so it suits counting, not per-shot order.
    /// </summary>
    public long[] Sample(int shots, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var result = new long[shots];
        if (shots == 0)
        {
            return result;
        }

        var partials = ChunkPartials();
        WalkSamples(partials, 0, SortedUniforms(shots, partials, random), result, 0);
        return result;
    }

    /// <summary>|a|² summed over each run of <see cref="Reductions.ChunkLength"/> amplitudes (the last run may be shorter).</summary>
    internal double[] ChunkPartials()
    {
        var partials = new double[Reductions.ChunkCount(Length)];
        if (Precision == Precision.Double)
        {
            Reductions.ChunkProbabilities(_pool, (double*)_data, Length, 0, 0, partials);
        }
        else
        {
            Reductions.ChunkProbabilities(_pool, (float*)_data, Length, 0, 0, partials);
        }

        return partials;
    }

    /// <summary>One uniform draw per shot, scaled to the total of <paramref name="partials"/> (summed in order), sorted.</summary>
    internal static double[] SortedUniforms(int shots, ReadOnlySpan<double> partials, SeededRandom random)
    {
        double total = 0;
        foreach (double p in partials)
        {
            total += p;
        }

        var uniforms = new double[shots];
        for (int s = 0; s < shots; s++)
        {
            uniforms[s] = random.NextDouble() * total;
        }

        Array.Sort(uniforms);
        return uniforms;
    }

    /// <summary>
    /// Walks sorted draws through the cumulative distribution: first chunk by chunk over <paramref name="partials"/>,
    /// then amplitude by amplitude inside the chunk a draw falls in. <paramref name="partials"/> may describe a larger
    /// state of which this one holds the chunks from <paramref name="firstLocalChunk"/> on (a rank of a distributed
    /// state): draws that fall in other chunks are left as they are, and picks are offset by
    /// <paramref name="indexOffset"/>. With the whole state's partials, this is the one-process sampler exactly.
    /// </summary>
    internal void WalkSamples(ReadOnlySpan<double> partials, long firstLocalChunk, ReadOnlySpan<double> sortedUniforms, Span<long> result, long indexOffset)
    {
        long chunks = partials.Length;
        long localChunks = Reductions.ChunkCount(Length);
        long chunk = 0;
        double chunkStart = 0;
        long index = -1;
        double cumulative = 0;
        bool positioned = false;
        for (int s = 0; s < sortedUniforms.Length; s++)
        {
            double r = sortedUniforms[s];
            while (chunk < chunks - 1 && chunkStart + partials[(int)chunk] <= r)
            {
                chunkStart += partials[(int)chunk];
                chunk++;
            }

            if (chunk < firstLocalChunk || chunk >= firstLocalChunk + localChunks)
            {
                continue;
            }

            long chunkFirst = (chunk - firstLocalChunk) * Reductions.ChunkLength;
            if (!positioned || index < chunkFirst - 1)
            {
                // The walk starts at the first chunk a draw falls in: this state's first, on a rank after the first.
                index = chunkFirst - 1;
                cumulative = chunkStart;
                positioned = true;
            }

            while ((index < 0 || cumulative <= r) && index < Length - 1)
            {
                index++;
                cumulative += AmplitudeNorm(index);
            }

            long pick = index;
            while (pick > 0 && AmplitudeNorm(pick) == 0)
            {
                // Rounding pushed r past the last non-zero amplitude: take that one.
                pick--;
            }

            result[s] = pick + indexOffset;
        }
    }

    private double AmplitudeNorm(long i)
    {
        if (Precision == Precision.Double)
        {
            double re = ((double*)_data)[2 * i], im = ((double*)_data)[(2 * i) + 1];
            return (re * re) + (im * im);
        }
        else
        {
            double re = ((float*)_data)[2 * i], im = ((float*)_data)[(2 * i) + 1];
            return (re * re) + (im * im);
        }
    }

    private static Complex[] ReducedDensityMatrix<T>(T* data, long length, ReadOnlySpan<int> qubits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int k = qubits.Length;
        int dim = 1 << k;
        Span<long> offsets = stackalloc long[dim];
        long mask = 0;
        for (int j = 0; j < dim; j++)
        {
            for (int b = 0; b < k; b++)
            {
                offsets[j] |= ((j >> b) & 1L) << qubits[b];
            }
        }

        foreach (int q in qubits)
        {
            mask |= 1L << q;
        }

        Span<Complex> amplitudes = stackalloc Complex[dim];
        var rho = new Complex[dim * dim];
        for (long rest = 0; rest < length; rest++)
        {
            if ((rest & mask) != 0)
            {
                continue;
            }

            for (int j = 0; j < dim; j++)
            {
                long i = rest | offsets[j];
                amplitudes[j] = new Complex(double.CreateTruncating(data[2 * i]), double.CreateTruncating(data[(2 * i) + 1]));
            }

            for (int r = 0; r < dim; r++)
            {
                for (int c = 0; c < dim; c++)
                {
                    rho[(r * dim) + c] += amplitudes[r] * Complex.Conjugate(amplitudes[c]);
                }
            }
        }

        return rho;
    }
}

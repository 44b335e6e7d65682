using System.Collections.Immutable;
using System.Numerics;

namespace VnQuantum.Simulation.Noise;

/// <summary>
/// A completely positive, trace-preserving map on one or two qubits, ρ ↦ Σ K ρ K†, given by its Kraus operators
/// (row-major 2^k×2^k matrices; matrix index bit i is the channel's qubit i, as for gates). When the channel is a
/// mixture of Pauli operators (depolarizing, Pauli), <see cref="PauliProbabilities"/> holds that mixture, so that
/// trajectories and Pauli frames can sample a Pauli instead of weighing Kraus operators.
/// </summary>
public sealed class KrausChannel
{
    /// <summary>How far Σ K†K may be from the identity (entry-wise) before the set is refused.</summary>
    public const double CompletenessTolerance = 1e-9;

    private KrausChannel(string name, int qubitCount, ImmutableArray<ImmutableArray<Complex>> operators, ImmutableArray<double> pauliProbabilities)
    {
        Name = name;
        QubitCount = qubitCount;
        Operators = operators;
        PauliProbabilities = pauliProbabilities;
    }

    /// <summary>A short description for messages and metadata, e.g. "depolarizing(0.01)".</summary>
    public string Name { get; }

    /// <summary>1 or 2.</summary>
    public int QubitCount { get; }

    public ImmutableArray<ImmutableArray<Complex>> Operators { get; }

    /// <summary>
    /// For a Pauli channel, the probability of each Pauli indexed by 2 bits per qubit (bits 2i, 2i+1 = x, z of qubit
    /// i: 0 = I, 1 = X, 3 = Y, 2 = Z); default (not a Pauli channel) otherwise.
    /// </summary>
    public ImmutableArray<double> PauliProbabilities { get; }

    public bool IsPauliChannel => !PauliProbabilities.IsDefault;

    /// <summary>Any Kraus set on 1 or 2 qubits, checked for completeness (Σ K†K = I).</summary>
    /// <exception cref="ArgumentException">Not square, of the wrong size, or not trace preserving; the message says which and by how much.</exception>
    public static KrausChannel FromOperators(IReadOnlyList<Complex[]> operators, string name = "kraus")
    {
        ArgumentNullException.ThrowIfNull(operators);
        if (operators.Count == 0)
        {
            throw new ArgumentException("A Kraus channel needs at least one operator.", nameof(operators));
        }

        int size = operators[0].Length;
        int qubits = size switch { 4 => 1, 16 => 2, _ => 0 };
        if (qubits == 0)
        {
            throw new ArgumentException($"Kraus operator 0 has {size} entries; a channel acts on 1 qubit (2×2 = 4 entries) or 2 qubits (4×4 = 16).", nameof(operators));
        }

        for (int k = 1; k < operators.Count; k++)
        {
            if (operators[k].Length != size)
            {
                throw new ArgumentException($"Kraus operator {k} has {operators[k].Length} entries; operator 0 has {size}.", nameof(operators));
            }
        }

        int dim = 1 << qubits;
        double worst = 0;
        int worstRow = 0, worstCol = 0;
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++)
            {
                Complex sum = 0;
                foreach (var k in operators)
                {
                    for (int m = 0; m < dim; m++)
                    {
                        sum += Complex.Conjugate(k[(m * dim) + r]) * k[(m * dim) + c];
                    }
                }

                double deviation = (sum - (r == c ? 1 : 0)).Magnitude;
                if (deviation > worst)
                {
                    worst = deviation;
                    worstRow = r;
                    worstCol = c;
                }
            }
        }

        if (worst > CompletenessTolerance)
        {
            throw new ArgumentException(
                $"The Kraus operators of '{name}' are not complete: Σ K†K differs from the identity by {worst:G3} at entry ({worstRow},{worstCol}); " +
                "a channel must preserve the trace (Σ K†K = I).",
                nameof(operators));
        }

        return new KrausChannel(name, qubits, [.. operators.Select(o => o.ToImmutableArray())], default);
    }

    /// <summary>
    /// A Pauli channel on <paramref name="qubitCount"/> qubits from the probabilities of the non-identity Paulis,
    /// indexed as in <see cref="PauliProbabilities"/> (entry 0, the identity, is ignored and recomputed).
    /// </summary>
    public static KrausChannel Pauli(int qubitCount, ReadOnlySpan<double> probabilities, string? name = null)
    {
        if (qubitCount is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(qubitCount), qubitCount, "A Pauli channel acts on 1 or 2 qubits.");
        }

        int count = 1 << (2 * qubitCount);
        if (probabilities.Length != count)
        {
            throw new ArgumentException($"A {qubitCount}-qubit Pauli channel takes {count} probabilities (identity first).", nameof(probabilities));
        }

        var p = new double[count];
        double error = 0;
        for (int i = 1; i < count; i++)
        {
            if (!(probabilities[i] >= 0) || probabilities[i] > 1)
            {
                throw new ArgumentException($"The probability of Pauli {PauliLabel(qubitCount, i)} is {probabilities[i]}; it must be in [0, 1].", nameof(probabilities));
            }

            p[i] = probabilities[i];
            error += p[i];
        }

        if (error > 1 + 1e-12)
        {
            throw new ArgumentException($"The Pauli error probabilities sum to {error}; they must sum to at most 1.", nameof(probabilities));
        }

        p[0] = Math.Max(0, 1 - error);
        var operators = new List<Complex[]>();
        for (int i = 0; i < count; i++)
        {
            if (p[i] > 0)
            {
                var m = PauliMatrix(qubitCount, i);
                double s = Math.Sqrt(p[i]);
                for (int e = 0; e < m.Length; e++)
                {
                    m[e] *= s;
                }

                operators.Add(m);
            }
        }

        name ??= "pauli(" + string.Join(",", Enumerable.Range(1, count - 1).Where(i => p[i] > 0).Select(i => $"{PauliLabel(qubitCount, i)}={p[i]:G4}")) + ")";
        return new KrausChannel(name, qubitCount, [.. operators.Select(o => o.ToImmutableArray())], [.. p]);
    }

    /// <summary>
    /// Qiskit's depolarizing error: ρ ↦ (1 − λ) ρ + λ I/2^n, i.e. each of the 4^n − 1 non-identity Paulis with
    /// probability λ/4^n. λ may reach 4^n/(4^n − 1) (the uniform Pauli channel).
    /// </summary>
    public static KrausChannel Depolarizing(double lambda, int qubitCount = 1)
    {
        int count = 1 << (2 * (qubitCount is 1 or 2 ? qubitCount : throw new ArgumentOutOfRangeException(nameof(qubitCount), qubitCount, "Depolarizing acts on 1 or 2 qubits.")));
        double max = count / (count - 1.0);
        if (!(lambda >= 0) || lambda > max + 1e-12)
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"The depolarizing parameter of a {qubitCount}-qubit channel must be in [0, {max:G4}].");
        }

        var p = new double[count];
        for (int i = 1; i < count; i++)
        {
            p[i] = lambda / count;
        }

        return Pauli(qubitCount, p, $"depolarizing{qubitCount}({lambda:G4})");
    }

    /// <summary>Energy relaxation |1⟩ → |0⟩ with probability γ: K0 = diag(1, √(1−γ)), K1 = √γ |0⟩⟨1|.</summary>
    public static KrausChannel AmplitudeDamping(double gamma) => GeneralizedAmplitudeDamping(gamma, 0);

    /// <summary>
    /// Relaxation towards a thermal state with excited population <paramref name="excitedPopulation"/> (Nielsen and
    /// Chuang §8.3.5): four Kraus operators; p = 0 is plain amplitude damping.
    /// </summary>
    public static KrausChannel GeneralizedAmplitudeDamping(double gamma, double excitedPopulation)
    {
        RequireProbability(gamma, nameof(gamma));
        RequireProbability(excitedPopulation, nameof(excitedPopulation));
        double g = 1 - excitedPopulation, e = excitedPopulation;
        double s = Math.Sqrt(1 - gamma), r = Math.Sqrt(gamma);
        var ops = new List<Complex[]>
        {
            Scaled([1, 0, 0, s], Math.Sqrt(g)),
            Scaled([0, r, 0, 0], Math.Sqrt(g)),
        };
        if (e > 0)
        {
            ops.Add(Scaled([s, 0, 0, 1], Math.Sqrt(e)));
            ops.Add(Scaled([0, 0, r, 0], Math.Sqrt(e)));
        }

        return FromOperators(ops.Where(o => o.Any(z => z != Complex.Zero)).ToList(), e > 0 ? $"amplitude_damping({gamma:G4},p1={e:G4})" : $"amplitude_damping({gamma:G4})");
    }

    /// <summary>Qiskit's phase damping: K0 = diag(1, √(1−λ)), K1 = diag(0, √λ); coherences shrink by √(1−λ).</summary>
    public static KrausChannel PhaseDamping(double lambda)
    {
        RequireProbability(lambda, nameof(lambda));
        return FromOperators([[1, 0, 0, Math.Sqrt(1 - lambda)], [0, 0, 0, Math.Sqrt(lambda)]], $"phase_damping({lambda:G4})");
    }

    /// <summary>
    /// Thermal relaxation for a time <paramref name="time"/> with relaxation time T1 and coherence time T2 (any one
    /// unit for all three): populations relax with γ = 1 − e^(−t/T1); coherences decay as e^(−t/T2), the part beyond
    /// relaxation's own e^(−t/2T1) coming from pure dephasing. Needs T2 ≤ 2·T1, as physics does.
    /// </summary>
    public static KrausChannel ThermalRelaxation(double t1, double t2, double time, double excitedPopulation = 0)
    {
        if (!(t1 > 0) || !(t2 > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(t1), $"T1 ({t1}) and T2 ({t2}) must be positive (use double.PositiveInfinity for no decay).");
        }

        if (t2 > (2 * t1) * (1 + 1e-12))
        {
            throw new ArgumentOutOfRangeException(nameof(t2), t2, $"T2 ({t2}) cannot exceed 2·T1 ({2 * t1}).");
        }

        if (!(time >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "The duration must be zero or more.");
        }

        double gamma = double.IsPositiveInfinity(t1) ? 0 : 1 - Math.Exp(-time / t1);

        // Coherence left after relaxation alone is e^(−t/2T1); pure dephasing supplies the rest of e^(−t/T2).
        double extra = Math.Exp((-time / t2) + (double.IsPositiveInfinity(t1) ? 0 : time / (2 * t1)));
        double lambda = Math.Clamp(1 - (extra * extra), 0, 1);
        var relax = GeneralizedAmplitudeDamping(gamma, excitedPopulation);
        var dephase = PhaseDamping(lambda);
        var ops = new List<Complex[]>();
        foreach (var d in dephase.Operators)
        {
            foreach (var a in relax.Operators)
            {
                var product = DenseMatrices.Multiply(d.AsSpan(), a.AsSpan(), 2);
                if (product.Any(z => z.Magnitude > 1e-15))
                {
                    ops.Add(product);
                }
            }
        }

        return FromOperators(ops, $"thermal_relaxation(T1={t1:G4},T2={t2:G4},t={time:G4})");
    }

    /// <summary>
    /// The superoperator Σ K ⊗ K̄ acting on the column-stacked density matrix: a 4^k×4^k matrix whose index bits
    /// 0..k−1 are the row qubits and k..2k−1 the column qubits, ready for a dense kernel on (targets, targets + n).
    /// </summary>
    public Complex[] Superoperator() => (Complex[])(_superoperator ??= BuildSuperoperator()).Clone();

    /// <summary>The superoperator without a copy, for the engine's hot paths (callers must not change it).</summary>
    internal ReadOnlySpan<Complex> SuperoperatorView => _superoperator ??= BuildSuperoperator();

    private Complex[]? _superoperator;

    private Complex[] BuildSuperoperator()
    {
        int dim = 1 << QubitCount;
        int big = dim * dim;
        var s = new Complex[big * big];
        foreach (var k in Operators)
        {
            for (int r = 0; r < dim; r++)
            {
                for (int c = 0; c < dim; c++)
                {
                    int outIndex = r | (c << QubitCount);
                    for (int r0 = 0; r0 < dim; r0++)
                    {
                        Complex kr = k[(r * dim) + r0];
                        if (kr == Complex.Zero)
                        {
                            continue;
                        }

                        for (int c0 = 0; c0 < dim; c0++)
                        {
                            int inIndex = r0 | (c0 << QubitCount);
                            s[(outIndex * big) + inIndex] += kr * Complex.Conjugate(k[(c * dim) + c0]);
                        }
                    }
                }
            }
        }

        return s;
    }

    /// <summary>The matrix of a Pauli indexed as in <see cref="PauliProbabilities"/>.</summary>
    public static Complex[] PauliMatrix(int qubitCount, int index)
    {
        Complex[] m = [1];
        for (int q = qubitCount - 1; q >= 0; q--)
        {
            // Build high qubit first so that matrix index bit i is qubit i.
            int code = (index >> (2 * q)) & 3;
            Complex[] single = code switch
            {
                0 => [1, 0, 0, 1],
                1 => [0, 1, 1, 0],
                2 => [1, 0, 0, -1],
                _ => [0, -Complex.ImaginaryOne, Complex.ImaginaryOne, 0],
            };
            m = Kron(m, single);
        }

        return m;
    }

    /// <summary>"X", "ZY" (qubit 1 first, as Qiskit labels) for a Pauli index.</summary>
    public static string PauliLabel(int qubitCount, int index)
    {
        var chars = new char[qubitCount];
        for (int q = 0; q < qubitCount; q++)
        {
            chars[qubitCount - 1 - q] = ((index >> (2 * q)) & 3) switch { 0 => 'I', 1 => 'X', 2 => 'Z', _ => 'Y' };
        }

        return new string(chars);
    }

    public override string ToString() => Name;

    private static Complex[] Kron(Complex[] a, Complex[] b)
    {
        int da = (int)Math.Sqrt(a.Length), db = (int)Math.Sqrt(b.Length);
        int d = da * db;
        var m = new Complex[d * d];
        for (int ar = 0; ar < da; ar++)
        {
            for (int ac = 0; ac < da; ac++)
            {
                for (int br = 0; br < db; br++)
                {
                    for (int bc = 0; bc < db; bc++)
                    {
                        m[(((ar * db) + br) * d) + (ac * db) + bc] = a[(ar * da) + ac] * b[(br * db) + bc];
                    }
                }
            }
        }

        return m;
    }

    private static Complex[] Scaled(Complex[] m, double factor)
    {
        for (int i = 0; i < m.Length; i++)
        {
            m[i] *= factor;
        }

        return m;
    }

    private static void RequireProbability(double p, string name)
    {
        if (!(p >= 0) || p > 1)
        {
            throw new ArgumentOutOfRangeException(name, p, $"{name} must be in [0, 1].");
        }
    }
}

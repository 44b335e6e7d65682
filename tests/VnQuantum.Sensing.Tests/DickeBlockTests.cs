using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Sensing.Dynamics;
using VnQuantum.Sensing.Estimation;
using VnQuantum.Sensing.Sensors;
using VnQuantum.Sensing.States;

namespace VnQuantum.Sensing.Tests;

/// <summary>
/// The permutation-invariant (Dicke-block) solver against QuTiP PIQS's own test matrices, the full 2^N density matrix
/// (N ≤ 8), and closed forms at large N.
/// </summary>
public class DickeBlockTests
{
    // Basis of one spin: index 0 = up (m = +½), 1 = down.
    private static readonly Matrix<Complex> SigmaX = M(new Complex[,] { { 0, 1 }, { 1, 0 } });
    private static readonly Matrix<Complex> SigmaY = M(new Complex[,] { { 0, new(0, -1) }, { new(0, 1), 0 } });
    private static readonly Matrix<Complex> SigmaZ = M(new Complex[,] { { 1, 0 }, { 0, -1 } });
    private static readonly LindbladOptions Tight = new(RelativeTolerance: 1e-11);

    private static readonly Matrix<Complex> SigmaMinus = M(new Complex[,] { { 0, 0 }, { 1, 0 } });

    [Fact]
    public void Generator_EqualsQutipPiqsTestMatrices_ForOneAndTwoSpins()
    {
        // qutip/tests/piqs/test_piqs.py, test_lindbladian: gCE = gCD = gCP = 0.5, gE = gD = gP = 0.1 in PIQS's
        // convention, which is Dephasing = gD/2 and CollectiveDephasing = gCD/2 in ours. Flat index l = nds·i + k.
        var noise = new SpinEnsembleNoise(Emission: 0.1, Dephasing: 0.05, Pumping: 0.1, CollectiveEmission: 0.5, CollectiveDephasing: 0.25, CollectivePumping: 0.5);
        var one = new Dictionary<(int, int), double> { [(0, 0)] = -0.6, [(0, 3)] = 0.6, [(1, 1)] = -0.9, [(2, 2)] = -0.9, [(3, 0)] = 0.6, [(3, 3)] = -0.6 };
        AssertGenerator(1, noise, one);
        var two = new Dictionary<(int, int), double>
        {
            [(0, 0)] = -1.2,
            [(0, 5)] = 1.1,
            [(0, 15)] = 0.1,
            [(1, 1)] = -2,
            [(1, 6)] = 1.1,
            [(2, 2)] = -2.3,
            [(4, 4)] = -2,
            [(4, 9)] = 1.1,
            [(5, 0)] = 1.1,
            [(5, 5)] = -2.25,
            [(5, 10)] = 1.1,
            [(5, 15)] = 0.05,
            [(6, 1)] = 1.1,
            [(6, 6)] = -2,
            [(8, 8)] = -2.3,
            [(9, 4)] = 1.1,
            [(9, 9)] = -2,
            [(10, 5)] = 1.1,
            [(10, 10)] = -1.2,
            [(10, 15)] = 0.1,
            [(15, 0)] = 0.1,
            [(15, 5)] = 0.05,
            [(15, 10)] = 0.1,
            [(15, 15)] = -0.25,
        };
        AssertGenerator(2, noise, two);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void AllProcesses_AgreeWithTheFullDensityMatrix(int n)
    {
        // Every local and collective process at once, with detuning and one-axis twisting, against the Lindblad
        // equation on the whole 2^N space (exact propagator).
        var noise = new SpinEnsembleNoise(Emission: 0.1, Dephasing: 0.2, Pumping: 0.05, CollectiveEmission: 0.3, CollectiveDephasing: 0.15, CollectivePumping: 0.02);
        const double detuning = 0.7, twisting = 0.4;
        double[] times = [0.3, 1.0];
        var spin = new CollectiveSpin(n);
        var psi = spin.OneAxisTwisted(0.3);
        var blocks = new DickeLindblad(new DickeBlockState(n), noise, detuning, twisting).Evolve(DickeBlockState.FromSymmetric(psi), times, Tight);

        var (jx, jy, jz) = Collective(n);
        var jumps = new List<Matrix<Complex>>();
        for (int i = 0; i < n; i++)
        {
            jumps.Add(OnQubit(n, i, SigmaMinus) * Math.Sqrt(noise.Emission));
            jumps.Add(OnQubit(n, i, SigmaMinus.ConjugateTranspose()) * Math.Sqrt(noise.Pumping));
            jumps.Add(OnQubit(n, i, SigmaZ) * Math.Sqrt(noise.Dephasing / 2));
        }

        var jminus = jx - (jy * Complex.ImaginaryOne);
        jumps.Add(jminus * Math.Sqrt(noise.CollectiveEmission));
        jumps.Add(jminus.ConjugateTranspose() * Math.Sqrt(noise.CollectivePumping));
        jumps.Add(jz * Math.Sqrt(2 * noise.CollectiveDephasing));
        var h = (jz * detuning) + (jz * jz * twisting);
        var full = Lindblad.Evolve(h, jumps, FullSymmetric(n, psi), times, new LindbladOptions(ExactUpToDimension: 64));
        for (int t = 0; t < times.Length; t++)
        {
            AssertSameMoments(blocks[t], full[t], jx, jy, jz, 1e-9);
            Assert.Equal(1, blocks[t].Trace(), 12);
            Assert.Equal(FisherInformation.Mixed(full[t], Commutator(jz, full[t])), blocks[t].QuantumFisherInformation(), 8);
            Assert.Equal(FisherInformation.Mixed(full[t], Commutator(jx, full[t])), blocks[t].QuantumFisherInformation(1, 0, 0), 8);
        }
    }

    [Fact]
    public void LocalDephasingWithTwisting_OnEightSpins_AgreesWithTheProductChannelOnTheFullState()
    {
        // J_z² commutes with every σ_z⁽ⁱ⁾, so ρ(t) = U(t) [Λ_t^⊗8](ρ₀) U(t)† exactly, Λ_t the single-spin dephasing
        // channel (coherence × e^(−γt)): an independent 256×256 reference that needs no master-equation solver.
        const int n = 8;
        const double gamma = 0.5, chi = 0.2, t = 0.8;
        var spin = new CollectiveSpin(n);
        var psi = spin.CoherentX();
        var block = new DickeLindblad(new DickeBlockState(n), new SpinEnsembleNoise(Dephasing: gamma), twisting: chi).Evolve(DickeBlockState.FromSymmetric(psi), [t], Tight)[0];

        var rho = FullSymmetric(n, psi);
        int dim = 1 << n;
        double decay = Math.Exp(-gamma * t);
        var (jx, jy, jz) = Collective(n);
        var reference = Matrix<Complex>.Build.Dense(dim, dim, (r, c) =>
        {
            int differing = BitOperations.PopCount((uint)(r ^ c));
            double mr = jz[r, r].Real, mc = jz[c, c].Real;
            return rho[r, c] * Math.Pow(decay, differing) * Complex.FromPolarCoordinates(1, -chi * ((mr * mr) - (mc * mc)) * t);
        });
        AssertSameMoments(block, reference, jx, jy, jz, 1e-9);
        Assert.Equal(FisherInformation.Mixed(reference, Commutator(jy, reference)), block.QuantumFisherInformation(0, 1, 0), 7);
        Assert.Equal(FisherInformation.Mixed(reference, Commutator(jz, reference)), block.QuantumFisherInformation(), 7);
    }

    [Fact]
    public void LocalEmissionFromTheExcitedState_DecaysAsTheClosedForm()
    {
        // ⟨J_z⟩ = N(e^(−t) − ½) for Γ_E = 1 from |N/2, N/2⟩ (each spin decays on its own).
        const int n = 4;
        var state = DickeBlockState.Dicke(n, 2, 2);
        var after = new DickeLindblad(state, new SpinEnsembleNoise(Emission: 1)).Evolve(state, [1.0])[0];
        Assert.Equal(n * (Math.Exp(-1) - 0.5), after.Moments().Mean[2], 9);
        Assert.Equal(-0.5284822353142293, after.Moments().Mean[2], 9);
    }

    [Fact]
    public void GhzUnderLocalDephasing_LosesCoherenceNTimesFaster_AndItsQfiFollows()
    {
        // Coherence between |N/2⟩ and |−N/2⟩ decays as e^(−Nγt); F_Q(J_z) = N² e^(−2Nγt).
        const int n = 10;
        const double gamma = 0.3, t = 0.25;
        var spin = new CollectiveSpin(n);
        var state = DickeBlockState.FromSymmetric(spin.Ghz());
        Assert.Equal(n * n, state.QuantumFisherInformation(), 9);
        var after = new DickeLindblad(state, new SpinEnsembleNoise(Dephasing: gamma)).Evolve(state, [t], Tight)[0];
        Assert.Equal(0.5 * Math.Exp(-n * gamma * t), after[0, 0, n].Real, 9);
        Assert.Equal(0.5, after[0, 0, 0].Real, 12);
        Assert.Equal(n * n * Math.Exp(-2 * n * gamma * t), after.QuantumFisherInformation(), 7);
    }

    [Fact]
    public void SqueezedStateOfTwoHundredSpins_KeepingOnlyOrdersUpToTwo_FollowsTheClosedFormOfLocalDephasing()
    {
        // Local dephasing multiplies one-spin coherences by e^(−γt) and pair correlations of two transverse
        // components by e^(−2γt): ⟨J_x⟩ → e^(−γt)⟨J_x⟩, ⟨J_y²⟩ → N/4 + e^(−2γt)(⟨J_y²⟩ − N/4), ⟨{J_y, J_z}⟩ → e^(−γt)·,
        // ⟨J_z²⟩ unchanged; the banded (q ≤ 2) solver must give the same Wineland parameter.
        const int n = 200;
        const double gamma = 1.0;
        double[] times = [0.02, 0.1];
        var spin = new CollectiveSpin(n);
        var psi = spin.OneAxisTwisted(0.05);
        var start = DickeBlockState.FromSymmetric(psi, maxCoherenceOrder: 2);
        var initial = start.Moments();
        Assert.Equal(spin.WinelandParameter(psi), initial.WinelandParameter(), 10);
        var generator = new DickeLindblad(start, new SpinEnsembleNoise(Dephasing: gamma));
        var states = generator.Evolve(start, times);
        for (int i = 0; i < times.Length; i++)
        {
            double e1 = Math.Exp(-gamma * times[i]), e2 = e1 * e1;
            var expected = new SpinMoments(
                n,
                [initial.Mean[0] * e1, initial.Mean[1] * e1, initial.Mean[2]],
                new double[,]
                {
                    { (n / 4.0) + (e2 * (initial.Second[0, 0] - (n / 4.0))), e2 * initial.Second[0, 1], e1 * initial.Second[0, 2] },
                    { e2 * initial.Second[1, 0], (n / 4.0) + (e2 * (initial.Second[1, 1] - (n / 4.0))), e1 * initial.Second[1, 2] },
                    { e1 * initial.Second[2, 0], e1 * initial.Second[2, 1], initial.Second[2, 2] },
                });
            var actual = states[i].Moments();
            for (int a = 0; a < 3; a++)
            {
                Assert.Equal(expected.Mean[a], actual.Mean[a], 6);
                for (int b = 0; b < 3; b++)
                {
                    Assert.Equal(expected.Second[a, b], actual.Second[a, b], 5);
                }
            }

            Assert.Equal(expected.WinelandParameter(), actual.WinelandParameter(), 7);
        }
    }

    [Fact]
    public void BandedState_RefusesTheQfi_AndDegeneraciesMatchPiqs()
    {
        var banded = new DickeBlockState(6, maxCoherenceOrder: 2);
        Assert.Throws<InvalidOperationException>(() => banded.QuantumFisherInformation());
        Assert.Throws<ArgumentOutOfRangeException>(() => banded[0, 0, 5] = 1);

        // qutip test_state_degeneracy: d_N(j_min) for N = 1, 2, 3, 4, 7, 8, 9, 10; Σ_j d_N(j)(2j+1) = 2^N.
        int[] spins = [1, 2, 3, 4, 7, 8, 9, 10];
        double[] expected = [1, 1, 2, 2, 14, 14, 42, 42];
        for (int i = 0; i < spins.Length; i++)
        {
            Assert.Equal(expected[i], DickeBlockState.Degeneracy(spins[i], (spins[i] / 2.0) % 1), 6);
            var state = new DickeBlockState(spins[i]);
            double total = Enumerable.Range(0, state.BlockCount).Sum(b => DickeBlockState.Degeneracy(spins[i], state.BlockSpin(b)) * state.BlockSize(b));
            Assert.Equal(Math.Pow(2, spins[i]), total, 6);
        }

        Assert.Equal(10729649537134605, DickeBlockState.Degeneracy(60, 1), 10729649537134605 * 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DickeLindblad(new DickeBlockState(2), new SpinEnsembleNoise(Dephasing: -1)));

        // Dephasing keeps m and m′: the implicit chain integrator runs; decay couples chains: Dormand–Prince.
        Assert.True(new DickeLindblad(new DickeBlockState(6), new SpinEnsembleNoise(Dephasing: 1, CollectiveDephasing: 0.5), detuning: 1, twisting: 0.3).UsesChains);
        Assert.False(new DickeLindblad(new DickeBlockState(6), new SpinEnsembleNoise(Dephasing: 1, Emission: 0.1)).UsesChains);
    }

    [Fact]
    public void SqueezedProbe_UnderLocalDephasing_BeatsTheCoherentOptimumButNotTheEscherBound()
    {
        // The coherent-state optimum is the closed form √(2eγ/N) at t = 1/(2γ) (Huelga et al.); squeezing gains a
        // constant factor, and no state beats √(2γ/N): a factor √e over the SQL at most.
        const int n = 60;
        const double gamma = 1.0;
        var result = SqueezedProbe.Optimise(n, new SpinEnsembleNoise(Dephasing: gamma));
        var coherent = EntangledProbes.Optimum(ProbeState.Product, n, gamma);
        Assert.Equal(coherent.Sensitivity, result.CoherentSensitivity, 3);
        Assert.True(result.Twisting > 0);
        Assert.True(result.GainOverCoherent > 1.1, $"gain {result.GainOverCoherent}");
        Assert.True(result.Sensitivity > result.AsymptoticBound, $"{result.Sensitivity} vs bound {result.AsymptoticBound}");
        Assert.True(result.WinelandParameter < 1);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void OptimisedSymmetricProbe_BeatsProductAndGhz_ButRespectsTheChannelExtensionBound(int n)
    {
        // Demkowicz-Dobrzański et al. 2012: under local dephasing the best state gains a little over unentangled spins
        // (which GHZ only equals), while F_φ ≤ Nη²/(1 − η²) (η = e^(−γt)) holds at every t and gives δω√T ≥ √(2γ/N).
        const double gamma = 1.0;
        var result = SymmetricProbe.Optimise(n, gamma);
        Assert.True(result.Sensitivity < 0.99 * result.ProductSensitivity, $"{result.Sensitivity} vs product {result.ProductSensitivity}");
        Assert.Equal(result.ProductSensitivity, result.GhzSensitivity, 10);
        Assert.True(result.Sensitivity > result.Bound);
        double eta = Math.Exp(-gamma * result.OptimalSeconds);
        double phaseFisher = 1 / (result.Sensitivity * result.Sensitivity * result.OptimalSeconds);
        Assert.True(phaseFisher <= n * eta * eta / (1 - (eta * eta)) * (1 + 1e-9), $"F_φ {phaseFisher} above the bound");
        Assert.Equal(1, result.Amplitudes.Sum(a => a * a), 10);
    }

    [Fact]
    public void OptimisedSymmetricProbe_OfTwoSpins_EqualsABruteForceSearchOnTheFullDensityMatrix()
    {
        // Independent: a|↑↑⟩ + b(|↑↓⟩ + |↓↑⟩)/√2 + a|↓↓⟩ (2a² + b² = 1) on the 4×4 density matrix, dephased element by
        // element (e^(−γt) per differing spin), QFI by the SLD formula, brute force over the angle and t.
        const double gamma = 1.0;
        var (_, _, jz) = Collective(2);
        double best = double.PositiveInfinity;
        for (double theta = 0; theta <= Math.PI / 2; theta += Math.PI / 400)
        {
            double a = Math.Cos(theta) / Math.Sqrt(2), b = Math.Sin(theta);
            var psi = MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.DenseOfArray([a, b / Math.Sqrt(2), b / Math.Sqrt(2), a]);
            var pure = psi.OuterProduct(psi.Conjugate());
            for (double t = 0.2; t <= 0.7; t += 0.005)
            {
                double decay = Math.Exp(-gamma * t);
                var rho = Matrix<Complex>.Build.Dense(4, 4, (r, c) => pure[r, c] * Math.Pow(decay, BitOperations.PopCount((uint)(r ^ c))));
                double fisher = t * t * FisherInformation.Mixed(rho, Commutator(jz, rho));
                best = Math.Min(best, Math.Sqrt(t / fisher));
            }
        }

        Assert.Equal(best, SymmetricProbe.Optimise(2, gamma).Sensitivity, 3);
    }

    private static void AssertGenerator(int n, SpinEnsembleNoise noise, Dictionary<(int Row, int Column), double> expected)
    {
        // PIQS's flat index: nds·i + k over the nds×nds block-diagonal matrix, blocks from the largest j down.
        var layout = new DickeBlockState(n);
        int nds = Enumerable.Range(0, layout.BlockCount).Sum(layout.BlockSize);
        var where = new Dictionary<int, int>();
        int start = 0;
        for (int b = 0; b < layout.BlockCount; b++)
        {
            int size = layout.BlockSize(b);
            for (int r = 0; r < size; r++)
            {
                for (int c = 0; c < size; c++)
                {
                    where[(nds * (start + r)) + start + c] = layout.Index(b, r, c);
                }
            }

            start += size;
        }

        var generator = new DickeLindblad(layout, noise);
        var unit = new Complex[layout.StoredCount];
        var column = new Complex[layout.StoredCount];
        foreach (var (flatColumn, slot) in where)
        {
            Array.Clear(unit);
            unit[slot] = 1;
            generator.Derivative(unit, column);
            foreach (var (flatRow, rowSlot) in where)
            {
                double value = expected.TryGetValue((flatRow, flatColumn), out double v) ? v : 0;
                Assert.True(Math.Abs(column[rowSlot].Real - value) < 1e-12 && column[rowSlot].Imaginary == 0, $"N = {n}, L[{flatRow}, {flatColumn}] = {column[rowSlot]}, expected {value}");
            }
        }
    }

    private static void AssertSameMoments(DickeBlockState block, Matrix<Complex> full, Matrix<Complex> jx, Matrix<Complex> jy, Matrix<Complex> jz, double tolerance)
    {
        var moments = block.Moments();
        Matrix<Complex>[] j = [jx, jy, jz];
        for (int a = 0; a < 3; a++)
        {
            Assert.True(Math.Abs(moments.Mean[a] - (full * j[a]).Trace().Real) < tolerance, $"⟨J_{a}⟩ {moments.Mean[a]} vs {(full * j[a]).Trace().Real}");
            for (int b = 0; b < 3; b++)
            {
                double reference = 0.5 * (full * ((j[a] * j[b]) + (j[b] * j[a]))).Trace().Real;
                Assert.True(Math.Abs(moments.Second[a, b] - reference) < tolerance, $"⟨{{J_{a}, J_{b}}}⟩/2 {moments.Second[a, b]} vs {reference}");
            }
        }
    }

    private static Matrix<Complex> Commutator(Matrix<Complex> g, Matrix<Complex> rho) => ((g * rho) - (rho * g)) * new Complex(0, -1);

    private static (Matrix<Complex> X, Matrix<Complex> Y, Matrix<Complex> Z) Collective(int n)
    {
        int dim = 1 << n;
        Matrix<Complex> x = Matrix<Complex>.Build.Dense(dim, dim), y = x.Clone(), z = x.Clone();
        for (int i = 0; i < n; i++)
        {
            x += OnQubit(n, i, SigmaX) * 0.5;
            y += OnQubit(n, i, SigmaY) * 0.5;
            z += OnQubit(n, i, SigmaZ) * 0.5;
        }

        return (x, y, z);
    }

    private static Matrix<Complex> OnQubit(int n, int qubit, Matrix<Complex> op)
    {
        var result = Matrix<Complex>.Build.DenseIdentity(1);
        for (int i = 0; i < n; i++)
        {
            result = result.KroneckerProduct(i == qubit ? op : Matrix<Complex>.Build.DenseIdentity(2));
        }

        return result;
    }

    /// <summary>A symmetric state (CollectiveSpin's order, index m + N/2) on the full 2^N space: amplitude ψ_m/√C(N, k) on every string with k spins up.</summary>
    private static Matrix<Complex> FullSymmetric(int n, Complex[] psi)
    {
        int dim = 1 << n;
        var vector = new Complex[dim];
        for (int s = 0; s < dim; s++)
        {
            // Qubit i's index bit is n−1−i in the Kronecker order above; bit 0 = up. Spins up = n − popcount.
            int up = n - BitOperations.PopCount((uint)s);
            vector[s] = psi[up] / Math.Sqrt(MathNet.Numerics.SpecialFunctions.Binomial(n, up));
        }

        var v = MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.Dense(vector);
        return v.OuterProduct(v.Conjugate());
    }

    private static Matrix<Complex> M(Complex[,] values) => Matrix<Complex>.Build.DenseOfArray(values);
}

using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Sensing.Dynamics;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;

namespace VnQuantum.Sensing.Tests;

public class LindbladTests
{
    private static readonly Matrix<Complex> SigmaMinus = Matrix<Complex>.Build.DenseOfArray(new Complex[,] { { 0, 1 }, { 0, 0 } });
    private static readonly Matrix<Complex> SigmaZ = Matrix<Complex>.Build.DenseOfArray(new Complex[,] { { 1, 0 }, { 0, -1 } });
    private static readonly Matrix<Complex> SigmaX = Matrix<Complex>.Build.DenseOfArray(new Complex[,] { { 0, 1 }, { 1, 0 } });

    private static Matrix<Complex> Excited => Matrix<Complex>.Build.DenseOfArray(new Complex[,] { { 0, 0 }, { 0, 1 } });

    private static Matrix<Complex> Plus => Matrix<Complex>.Build.DenseOfArray(new Complex[,] { { 0.5, 0.5 }, { 0.5, 0.5 } });

    [Theory]
    [InlineData(32)]
    [InlineData(1)]
    public void AmplitudeDamping_DecaysAsExponential_ExactlyAndAdaptively(int exactUpTo)
    {
        // L = √Γ σ₋ on |1⟩: P(1) = e^(−Γt).
        const double gamma = 2.5;
        double[] times = [0, 0.1, 0.5, 1, 2];
        var states = Lindblad.Evolve(Matrix<Complex>.Build.Dense(2, 2), [SigmaMinus * Math.Sqrt(gamma)], Excited, times, new LindbladOptions(ExactUpToDimension: exactUpTo));
        for (int i = 0; i < times.Length; i++)
        {
            Assert.Equal(Math.Exp(-gamma * times[i]), states[i][1, 1].Real, 7);
            Assert.Equal(1, states[i].Trace().Real, 9);
        }
    }

    [Fact]
    public void Dephasing_DecaysTheCoherenceAsEToTheMinusGammaT_AsThePhaseDampingChannel()
    {
        // L = √(γ/2) σ_z: the coherence decays as e^(−γt), the convention of docs/sensing.md.
        const double gamma = 1e3, t = 7e-4;
        var state = Lindblad.Evolve(Matrix<Complex>.Build.Dense(2, 2), [SigmaZ * Math.Sqrt(gamma / 2)], Plus, [t])[0];
        Assert.Equal(0.5 * Math.Exp(-gamma * t), state[0, 1].Magnitude, 12);

        // The same as the engine's Kraus channel with λ = 1 − e^(−2γt).
        using var rho = DensityMatrix.Create(1);
        double h = 1 / Math.Sqrt(2);
        rho.ApplyMatrix([0], [h, h, h, -h]);
        rho.ApplyChannel(KrausChannel.PhaseDamping(1 - Math.Exp(-2 * gamma * t)), [0]);
        Assert.Equal(rho[0, 1].Real, state[0, 1].Real, 12);
    }

    [Fact]
    public void RabiDrive_OscillatesAsSinSquared()
    {
        // H = Ω/2 σ_x from |0⟩: P(1) = sin²(Ωt/2).
        const double omega = 3.0;
        double[] times = [0.2, 0.9, 1.7];
        var ground = Matrix<Complex>.Build.DenseOfArray(new Complex[,] { { 1, 0 }, { 0, 0 } });
        var exact = Lindblad.Evolve(SigmaX * (omega / 2), [], ground, times);
        var adaptive = Lindblad.Evolve(SigmaX * (omega / 2), [], ground, times, new LindbladOptions(ExactUpToDimension: 1));
        for (int i = 0; i < times.Length; i++)
        {
            double expected = Math.Pow(Math.Sin(omega * times[i] / 2), 2);
            Assert.Equal(expected, exact[i][1, 1].Real, 9);
            Assert.Equal(expected, adaptive[i][1, 1].Real, 7);
        }
    }

    [Fact]
    public void AStiffProblem_IsReportedNotCrawled()
    {
        // Rates 10¹² apart, a tolerance the adaptive integrator cannot meet within its minimum step.
        var jumps = new[] { SigmaMinus * Math.Sqrt(1e12), SigmaZ * 1e-3 };
        var e = Assert.Throws<LindbladException>(() =>
            Lindblad.Evolve(SigmaX * 1e-6, jumps, Excited, [1.0], new LindbladOptions(RelativeTolerance: 1e-14, MinimumStep: 1e-9, ExactUpToDimension: 1)));
        Assert.Contains("could not meet the tolerance", e.Message);
        Assert.Contains("stiff", e.Message);

        // The exact propagator has no such trouble.
        var state = Lindblad.Evolve(SigmaX * 1e-6, jumps, Excited, [1.0])[0];
        Assert.True(state[1, 1].Real < 1e-6);
    }
}

using System.Numerics;
using BenchmarkDotNet.Attributes;
using VnQuantum.Simulation;

namespace VnQuantum.Benchmarks;

/// <summary>BenchmarkDotNet view of the gate kernels (smaller state than the ratio table so a run stays short).</summary>
[MemoryDiagnoser]
public class GateBenchmarks
{
    private static readonly Complex[] Hadamard = [1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 1 / Math.Sqrt(2), -1 / Math.Sqrt(2)];
    private StateVector _state = null!;

    [Params(24)]
    public int Qubits { get; set; }

    [Params(0, 12, 23)]
    public int Target { get; set; }

    [GlobalSetup]
    public void Setup() => _state = StateVector.Create(Qubits);

    [GlobalCleanup]
    public void Cleanup() => _state.Dispose();

    [Benchmark(Baseline = true)]
    public void Hadamard1() => _state.ApplyMatrix1(Target, Hadamard);

    [Benchmark]
    public void PauliX() => _state.ApplyX(Target);

    [Benchmark]
    public void PhaseZ() => _state.ApplyPhase(Target, -1);

    [Benchmark]
    public void ControlledX() => _state.ApplyX(Target, [Target == 0 ? 1 : 0]);
}

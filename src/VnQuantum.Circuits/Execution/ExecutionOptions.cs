using VnQuantum.Circuits.Noise;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Execution;

/// <summary>How a circuit is simulated.</summary>
public enum SimulationMethod
{
    /// <summary>Chosen from the circuit and the noise: stabilizer for Clifford circuits, density matrix for small noisy ones, trajectories for large noisy ones, else state vector.</summary>
    Auto,

    /// <summary>Pure state, noiseless.</summary>
    StateVector,

    /// <summary>Exact mixed state with noise channels (up to ~14 qubits).</summary>
    DensityMatrix,

    /// <summary>Monte-Carlo trajectories: a state vector per shot with noise sampled along the way.</summary>
    Trajectories,

    /// <summary>Clifford circuits with Pauli noise on the tableau and Pauli frames (thousands of qubits).</summary>
    Stabilizer,

    /// <summary>
    /// A matrix product state, noiseless: memory and time grow with the entanglement, not with 2^n, so weakly
    /// entangled circuits of hundreds of qubits run; <see cref="ExecutionOptions.MaxBond"/> truncates the rest.
    /// </summary>
    MatrixProductState,
}

/// <summary>How to run a circuit. Every option has a sane default.</summary>
public sealed record ExecutionOptions
{
    /// <summary>Number of shots. <value>Default 1024.</value></summary>
    public int Shots { get; init; } = 1024;

    /// <summary>Simulation method. <value>Default <see cref="SimulationMethod.Auto"/>.</value></summary>
    public SimulationMethod Method { get; init; } = SimulationMethod.Auto;

    /// <summary>Noise to simulate; null for a noiseless run. <value>Default null.</value></summary>
    public NoiseModel? Noise { get; init; }

    /// <summary>Seed of every random choice; null draws one and reports it in the metadata. <value>Default null.</value></summary>
    public ulong? Seed { get; init; }

    /// <summary>Threads per gate; 0 means one per processor. Results do not depend on it. <value>Default 0.</value></summary>
    public int Threads { get; init; }

    /// <summary>Amplitude precision. <value>Default <see cref="Precision.Double"/>.</value></summary>
    public Precision Precision { get; init; } = Precision.Double;

    /// <summary>Kernel instruction set. <value>Default <see cref="KernelPath.Auto"/>.</value></summary>
    public KernelPath KernelPath { get; init; } = KernelPath.Auto;

    /// <summary>Largest fused block in qubits (1–5); 0 turns fusion off. <value>Default 2, as qsim.</value></summary>
    public int FusionMaxQubits { get; init; } = 2;

    /// <summary>
    /// Runs a noiseless dynamic circuit (mid-circuit measurement, reset, run-time if) once for all shots, splitting
    /// the state where shots' outcomes differ (Qiskit Aer's shot branching); false runs each shot on its own. Both
    /// give the same counts for the same seed.
    /// </summary>
    public bool ShotBranching { get; init; } = true;

    /// <summary>
    /// Split the state vector over the ranks of the MPI job this process is part of (started by <c>mpirun</c>):
    /// each rank holds 2^(n−k) of the amplitudes. Noiseless state-vector runs whose measurements are all at the end.
    /// <value>Default false.</value>
    /// </summary>
    public bool Distributed { get; init; }

    /// <summary>
    /// The mps method's largest bond dimension; 0 keeps every singular value above the threshold and refuses a run
    /// that would pass <see cref="Simulation.MatrixProductState.ExactBondLimit"/>. <value>Default 0.</value>
    /// </summary>
    public int MaxBond { get; init; }

    /// <summary>
    /// The mps method drops, at every split, the smallest singular values whose squares sum to at most this share
    /// of the norm. <value>Default 1e-16, as Qiskit Aer.</value>
    /// </summary>
    public double TruncationThreshold { get; init; } = Simulation.MatrixProductState.DefaultTruncationThreshold;

    /// <summary>Return the final state vector (at most 27 qubits). <value>Default false.</value></summary>
    public bool IncludeStatevector { get; init; }

    /// <summary>Return the probabilities of all basis states of the final state (at most 27 qubits). <value>Default false.</value></summary>
    public bool IncludeProbabilities { get; init; }

    /// <summary>Receives the fraction done (0 to 1) now and then during long runs.</summary>
    public IProgress<double>? Progress { get; init; }

    /// <summary>
    /// Stops the run (with <see cref="OperationCanceledException"/>): checked after every operation of a single
    /// evolution, every shot, and every batch of the Pauli-frame sampler. <value>Default none.</value>
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    internal void Validate()
    {
        if (Shots < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Shots), Shots, "Shots must be zero or more.");
        }

        if (FusionMaxQubits is < 0 or > Passes.GateFusion.MaxFusedQubits)
        {
            throw new ArgumentOutOfRangeException(nameof(FusionMaxQubits), FusionMaxQubits, $"Fusion takes 0 (off) to {Passes.GateFusion.MaxFusedQubits} qubits.");
        }

        if (MaxBond < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBond), MaxBond, "The largest bond is 0 (no limit) or more.");
        }

        if (!(TruncationThreshold is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TruncationThreshold), TruncationThreshold, "The truncation threshold is a weight from 0 to below 1.");
        }

        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be zero (one per processor) or more.");
        }
    }
}

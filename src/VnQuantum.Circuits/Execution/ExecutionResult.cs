using System.Numerics;

namespace VnQuantum.Circuits.Execution;

/// <summary>What a run produced: counts keyed as Qiskit keys them, optional state and probabilities, and metadata.</summary>
public sealed class ExecutionResult
{
    internal ExecutionResult(IReadOnlyDictionary<string, int> counts, Complex[]? statevector, double[]? probabilities, ExecutionMetadata metadata)
    {
        Counts = counts;
        Statevector = statevector;
        Probabilities = probabilities;
        Metadata = metadata;
    }

    /// <summary>
    /// Outcome counts. A key is the classical bits with c[n-1] leftmost; several registers are separated by spaces,
    /// the last declared leftmost (Qiskit's order, where clbit 0 is the rightmost character of the whole key).
    /// </summary>
    public IReadOnlyDictionary<string, int> Counts { get; }

    /// <summary>The final state: before the terminal measurements when shots were sampled from it, else after the last shot.</summary>
    public Complex[]? Statevector { get; }

    /// <summary>|amplitude|² of <see cref="Statevector"/>'s state, index bit i = qubit i.</summary>
    public double[]? Probabilities { get; }

    public ExecutionMetadata Metadata { get; }
}

/// <summary>How the run was done, so that it can be repeated exactly.</summary>
public sealed record ExecutionMetadata(
    ulong Seed,
    string Method,
    int Qubits,
    int Clbits,
    int Shots,
    int Threads,
    string Precision,
    int FusionMaxQubits,
    int OperationCount,
    int ExecutedOperationCount,
    bool SampledFromFinalState,
    double FusionMilliseconds,
    double SimulationMilliseconds,
    double SamplingMilliseconds,
    string Version)
{
    /// <summary>Why the method was chosen (or that it was asked for), for people reading the output.</summary>
    public string MethodReason { get; init; } = string.Empty;

    /// <summary>
    /// The mps method's truncation error: the summed weight of the singular values dropped (the most any shot
    /// dropped, for a dynamic circuit); one minus the fidelity with the exact state is at most about this. Null for
    /// the other methods.
    /// </summary>
    public double? DiscardedWeight { get; init; }

    /// <summary>The mps method's largest bond dimension (over every shot); null for the other methods.</summary>
    public int? LargestBond { get; init; }
}

/// <summary>The circuit cannot be run as asked (an opaque gate, too many qubits); the message says why.</summary>
public sealed class CircuitExecutionException : Exception
{
    public CircuitExecutionException(string message)
        : base(message)
    {
    }

    public CircuitExecutionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CircuitExecutionException()
    {
    }
}

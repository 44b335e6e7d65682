using System.Collections.Immutable;
using System.Numerics;

namespace VnQuantum.Circuits.Gates;

/// <summary>
/// A built-in gate: <see cref="ControlCount"/> control qubits first, then the targets; <see cref="TargetMatrix"/> is
/// the row-major matrix on the targets (index bit i = target i), with Qiskit's definition and global phase.
/// </summary>
public sealed class StandardGate
{
    private readonly Func<ImmutableArray<double>, Complex[]> _targetMatrix;

    internal StandardGate(string name, int qubitCount, int parameterCount, int controlCount, GateAction action, bool inOriginalQelib, Func<ImmutableArray<double>, Complex[]> targetMatrix)
    {
        Name = name;
        QubitCount = qubitCount;
        ParameterCount = parameterCount;
        ControlCount = controlCount;
        Action = action;
        InOriginalQelib = inOriginalQelib;
        _targetMatrix = targetMatrix;
    }

    public string Name { get; }

    public int QubitCount { get; }

    public int ParameterCount { get; }

    public int ControlCount { get; }

    public int TargetCount => QubitCount - ControlCount;

    public GateAction Action { get; }

    /// <summary>
    /// True for U, CX and the gates of the 2017 qelib1.inc (Cross et al.): a program may not redefine these. A
    /// program's own definition of any other name takes precedence over the built-in one.
    /// </summary>
    public bool InOriginalQelib { get; }

    /// <summary>The matrix on the target qubits alone.</summary>
    public Complex[] TargetMatrix(ImmutableArray<double> parameters) => _targetMatrix(parameters);

    /// <summary>The full 2^k×2^k matrix on all k qubits (controls included), index bit i = qubit argument i.</summary>
    public Complex[] FullMatrix(ImmutableArray<double> parameters)
    {
        var target = TargetMatrix(parameters);
        int dim = 1 << QubitCount;
        int targetDim = 1 << TargetCount;
        int controlMask = (1 << ControlCount) - 1;
        var m = new Complex[dim * dim];
        for (int col = 0; col < dim; col++)
        {
            if ((col & controlMask) != controlMask)
            {
                m[(col * dim) + col] = 1;
                continue;
            }

            int s = col >> ControlCount;
            for (int r = 0; r < targetDim; r++)
            {
                int row = (r << ControlCount) | controlMask;
                m[(row * dim) + col] = target[(r * targetDim) + s];
            }
        }

        return m;
    }
}

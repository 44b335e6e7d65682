using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Execution;

/// <summary>An operation lowered once to the engine call that runs it, with its matrix already built.</summary>
internal sealed class CompiledOperation
{
    private readonly GateAction _action;
    private readonly int[] _targets;
    private readonly int[] _controls;
    private readonly Complex[] _matrix;
    private int[]? _mpsQubits;
    private Complex[]? _mpsMatrix;

    private CompiledOperation(Operation source, GateAction action, int[] targets, int[] controls, Complex[] matrix)
    {
        Source = source;
        _action = action;
        _targets = targets;
        _controls = controls;
        _matrix = matrix;
    }

    public Operation Source { get; }

    public static CompiledOperation Compile(Operation op, Circuit circuit)
    {
        switch (op)
        {
            case GateOperation gate:
                {
                    var standard = StandardGates.Find(gate.GateName)
                        ?? throw new CircuitExecutionException($"gate '{gate.GateName}' has no built-in definition");
                    int c = standard.ControlCount;
                    return new CompiledOperation(op, standard.Action, gate.Qubits[c..].ToArray(), gate.Qubits[..c].ToArray(), standard.TargetMatrix(gate.Parameters));
                }

            case UnitaryOperation unitary:
                return new CompiledOperation(op, GateAction.Matrix, [.. unitary.Qubits], [], [.. unitary.Matrix]);
            case OpaqueOperation opaque:
                throw new CircuitExecutionException(
                    $"opaque gate '{opaque.GateName}' on {string.Join(",", opaque.Qubits.Select(circuit.QubitName))} has no definition, so it cannot be simulated; define it with 'gate'");
            default:
                return new CompiledOperation(op, GateAction.Identity, [], [], []);
        }
    }

    /// <summary>Applies a unitary operation to both sides of a density matrix, U ρ U†.</summary>
    public void ApplyUnitary(DensityMatrix rho)
    {
        switch (_action)
        {
            case GateAction.Identity:
                break;
            case GateAction.Flip:
                rho.ApplyX(_targets[0], _controls);
                break;
            case GateAction.Swap:
                rho.ApplySwap(_targets[0], _targets[1], _controls);
                break;
            case GateAction.Phase:
                rho.ApplyDiagonal1(_targets[0], Complex.One, _matrix[3], _controls);
                break;
            case GateAction.Diagonal:
                rho.ApplyDiagonal1(_targets[0], _matrix[0], _matrix[3], _controls);
                break;
            default:
                rho.ApplyMatrix(_targets, _matrix, _controls);
                break;
        }
    }

    /// <summary>Applies a unitary operation to a sparse shot, with the same actions as the dense state's.</summary>
    public void ApplyUnitary(SparseShot state)
    {
        switch (_action)
        {
            case GateAction.Identity:
                break;
            case GateAction.Flip:
                state.ApplyX(_targets[0], _controls);
                break;
            case GateAction.Swap:
                state.ApplySwap(_targets[0], _targets[1], _controls);
                break;
            case GateAction.Phase:
                state.ApplyDiagonal1(_targets[0], Complex.One, _matrix[3], _controls);
                break;
            case GateAction.Diagonal:
                state.ApplyDiagonal1(_targets[0], _matrix[0], _matrix[3], _controls);
                break;
            default:
                state.ApplyMatrix(_targets, _matrix, _controls);
                break;
        }
    }

    /// <summary>
    /// Applies a unitary operation to a matrix product state: the whole controlled matrix over targets and controls
    /// (target bits lowest), built once and kept, since the state contracts the gate's sites into one block anyway.
    /// </summary>
    public void ApplyUnitary(MatrixProductState state)
    {
        if (_action == GateAction.Identity)
        {
            return;
        }

        if (_mpsMatrix is null)
        {
            int qubits = _targets.Length + _controls.Length;
            if (qubits > MatrixProductState.MaxGateQubits)
            {
                throw new CircuitExecutionException($"{Describe()} acts on {qubits} qubits; the mps method applies gates on at most {MatrixProductState.MaxGateQubits}; decompose it first");
            }

            _mpsMatrix = ControlledMatrix(TargetMatrix(), _targets.Length, _controls.Length);
            _mpsQubits = [.. _targets, .. _controls];
        }

        if (_mpsQubits!.Length == 1)
        {
            state.Apply1(_mpsQubits[0], _mpsMatrix);
        }
        else
        {
            state.ApplyMatrix(_mpsQubits, _mpsMatrix);
        }
    }

    private string Describe() => Source is GateOperation gate ? $"gate '{gate.GateName}'" : "a unitary";

    /// <summary>The dense matrix over the targets alone that the action stands for.</summary>
    private Complex[] TargetMatrix() => _action switch
    {
        GateAction.Flip => [0, 1, 1, 0],
        GateAction.Swap => [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1],
        GateAction.Phase => [1, 0, 0, _matrix[3]],
        GateAction.Diagonal => [_matrix[0], 0, 0, _matrix[3]],
        _ => _matrix,
    };

    /// <summary>
    /// The identity, but where every control bit (above the <paramref name="targets"/> low bits) is 1 the target
    /// matrix acts.
    /// </summary>
    private static Complex[] ControlledMatrix(Complex[] target, int targets, int controls)
    {
        if (controls == 0)
        {
            return target;
        }

        int small = 1 << targets, dim = small << controls, offset = dim - small;
        var m = new Complex[dim * dim];
        for (int i = 0; i < offset; i++)
        {
            m[(i * dim) + i] = Complex.One;
        }

        for (int r = 0; r < small; r++)
        {
            for (int c = 0; c < small; c++)
            {
                m[((offset + r) * dim) + offset + c] = target[(r * small) + c];
            }
        }

        return m;
    }

    /// <summary>Applies a unitary operation to the state (non-unitary ones are handled by the executor).</summary>
    public void ApplyUnitary(StateVector state) => ApplyTo(state, _targets, _controls);

    /// <summary>On a state split over MPI ranks: its qubits made local first (swapping in a global target), then this rank's part.</summary>
    public void ApplyUnitary(DistributedStateVector state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_action != GateAction.Identity && state.Localize(_targets, _controls, out var targets, out var controls))
        {
            ApplyTo(state.Local, targets, controls);
        }
    }

    /// <summary>Whether this operation changes the state at all (identities and non-unitary placeholders do not).</summary>
    public bool IsIdentity => _action == GateAction.Identity;

    /// <summary>
    /// The qubits this operation's kernel reads, targets then controls, so a smaller copy of the state can run the
    /// same kernel on mapped positions (<see cref="ApplyMapped"/>).
    /// </summary>
    public IEnumerable<int> Qubits => _targets.Concat(_controls);

    /// <summary>
    /// A key equal for two operations that run the same kernel on the same qubits: the engine call, its targets and
    /// its controls, under <paramref name="map"/> (the dense matrix's entries do not change its cost).
    /// </summary>
    public string KernelKey(IReadOnlyDictionary<int, int> map) =>
        $"{_action}:{string.Join(',', _targets.Select(q => map[q]))}|{string.Join(',', _controls.Select(q => map[q]))}";

    /// <summary>Runs this operation's kernel on <paramref name="state"/> with each qubit moved to <paramref name="map"/>'s position.</summary>
    public void ApplyMapped(StateVector state, IReadOnlyDictionary<int, int> map) =>
        ApplyTo(state, [.. _targets.Select(q => map[q])], [.. _controls.Select(q => map[q])]);

    private void ApplyTo(StateVector state, int[] targets, int[] controls)
    {
        switch (_action)
        {
            case GateAction.Identity:
                break;
            case GateAction.Flip:
                state.ApplyX(targets[0], controls);
                break;
            case GateAction.Swap:
                state.ApplySwap(targets[0], targets[1], controls);
                break;
            case GateAction.Phase:
                state.ApplyPhase(targets[0], _matrix[3], controls);
                break;
            case GateAction.Diagonal:
                state.ApplyDiagonal1(targets[0], _matrix[0], _matrix[3], controls);
                break;
            default:
                if (targets.Length == 1)
                {
                    state.ApplyMatrix1(targets[0], _matrix, controls);
                }
                else if (targets.Length == 2)
                {
                    state.ApplyMatrix2(targets[0], targets[1], _matrix, controls);
                }
                else
                {
                    state.ApplyMatrix(targets, _matrix, controls);
                }

                break;
        }
    }
}

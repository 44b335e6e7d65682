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

    /// <summary>Applies a unitary operation to the state (non-unitary ones are handled by the executor).</summary>
    public void ApplyUnitary(StateVector state)
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
                state.ApplyPhase(_targets[0], _matrix[3], _controls);
                break;
            case GateAction.Diagonal:
                state.ApplyDiagonal1(_targets[0], _matrix[0], _matrix[3], _controls);
                break;
            default:
                if (_targets.Length == 1)
                {
                    state.ApplyMatrix1(_targets[0], _matrix, _controls);
                }
                else if (_targets.Length == 2)
                {
                    state.ApplyMatrix2(_targets[0], _targets[1], _matrix, _controls);
                }
                else
                {
                    state.ApplyMatrix(_targets, _matrix, _controls);
                }

                break;
        }
    }
}

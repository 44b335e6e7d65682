using VnQuantum.Circuits.Drawing;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// What the fuzz tests do with a program that parsed: everything <c>vnq info</c>, <c>vnq draw</c> and <c>vnq run</c>
/// do with it, so a circuit the front end accepts cannot crash a later tool (as the zero-qubit program once crashed
/// <c>info</c>). Refusals with their own exception types are the right answer; anything else fails the test.
/// </summary>
internal static class DownstreamTools
{
    public static void Exercise(Circuit circuit)
    {
        _ = circuit.Depth;
        _ = circuit.CountOperations();
        _ = circuit.HasOnlyTerminalMeasurements();
        _ = MethodSelection.IsClifford(circuit, out _);
        _ = MethodSelection.Choose(circuit, new ExecutionOptions());
        _ = MethodSelection.Estimate(circuit, 1024);
        if (circuit.QubitCount <= 64 && circuit.Operations.Length < 2000)
        {
            _ = CircuitDrawer.Text(circuit);
            _ = CircuitDrawer.Svg(circuit);
        }

        if (circuit.QubitCount <= 10 && circuit.Operations.Length < 2000)
        {
            try
            {
                CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 2, Seed = 1, Threads = 1 });
            }
            catch (Exception e) when (e is CircuitExecutionException or StateTooLargeException)
            {
                // An opaque gate, a while loop that never ends, a division by zero at run time: refused clearly.
            }
        }
    }
}

using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

public class RoundTripTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(SamplesFolder(), "*.qasm").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Samples_RoundTrip(string sample)
    {
        var circuit = OpenQasm2.ParseFile(Path.Combine(SamplesFolder(), sample)).Circuit!;
        AssertRoundTrip(circuit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomCircuits_RoundTrip_WithExactParameters(int seed)
    {
        AssertRoundTrip(Parse(RandomCircuits.Program(6, 200, seed, measure: true)));
    }

    [Fact]
    public void OpaqueDeclarations_ConditionsAndBarriers_RoundTrip()
    {
        AssertRoundTrip(Parse(Header + "opaque magic(a,b) x,y;\nqreg q[2]; creg c[2];\nmagic(1e-300,-2.5) q[0],q[1];\nbarrier q;\nif(c==3) rz(-0.1) q[1];\nreset q[0];\nmeasure q -> c;"));
    }

    /// <summary>parse(write(c)) has the same registers and operations as c, parameters equal to the bit.</summary>
    private static void AssertRoundTrip(Circuit circuit)
    {
        string text = OpenQasm2.Write(circuit);
        var again = OpenQasm2.Parse(text, "written.qasm");
        Assert.True(again.Succeeded, again.Error?.ToString());
        var back = again.Circuit!;
        Assert.Equal(circuit.QuantumRegisters.ToArray(), back.QuantumRegisters.ToArray());
        Assert.Equal(circuit.ClassicalRegisters.ToArray(), back.ClassicalRegisters.ToArray());
        Assert.Equal(circuit.OpaqueGates.ToArray(), back.OpaqueGates.ToArray());
        Assert.Equal(circuit.Operations.Length, back.Operations.Length);
        for (int i = 0; i < circuit.Operations.Length; i++)
        {
            Assert.Equal(Describe(circuit.Operations[i]), Describe(back.Operations[i]));
        }

        Assert.Equal(text, OpenQasm2.Write(back));
    }

    private static string Describe(Operation op)
    {
        var parameters = op is GateCallOperation g ? g.Parameters : [];
        string clbits = string.Join(",", op.Clbits);
        string condition = op.Condition is { } c ? $"{c.Register.Name}=={c.Value}" : string.Empty;
        return $"{op.GetType().Name} {op.Name} ({string.Join(",", parameters.Select(p => BitConverter.DoubleToInt64Bits(p)))}) [{string.Join(",", op.Qubits)}] [{clbits}] {condition}";
    }
}

using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using VnQuantum.Circuits.Gates;
using VnQuantum.Testing;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

public class GateLibraryTests
{
    private static readonly Complex I = Complex.ImaginaryOne;

    public static TheoryData<string> AllGates()
    {
        var data = new TheoryData<string>();
        foreach (var name in StandardGates.Qelib1.Keys.Concat(StandardGates.Intrinsic.Keys).Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    private static ImmutableArray<double> SomeParameters(int count) => [.. new[] { 0.37, -1.21, 2.05, 0.64 }.Take(count)];

    [Theory]
    [MemberData(nameof(AllGates))]
    public void EveryGate_IsUnitary(string name)
    {
        var gate = StandardGates.Find(name)!;
        var m = gate.FullMatrix(SomeParameters(gate.ParameterCount));
        int dim = 1 << gate.QubitCount;
        for (int i = 0; i < dim; i++)
        {
            for (int j = 0; j < dim; j++)
            {
                Complex dot = 0;
                for (int k = 0; k < dim; k++)
                {
                    dot += Complex.Conjugate(m[(k * dim) + i]) * m[(k * dim) + j];
                }

                Assert.True((dot - (i == j ? 1 : 0)).Magnitude < 1e-12, $"{name}: column {i}·{j} = {dot}");
            }
        }
    }

    /// <summary>
    /// Runs the gate through the parser, executor and engine kernels on an entangled random state of 6 qubits, at
    /// scattered qubit positions, and compares with the gate's matrix applied index by index.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllGates))]
    public void EveryGate_OnTheEngine_MatchesItsMatrixEmbeddedDensely(string name)
    {
        var gate = StandardGates.Find(name)!;
        const int n = 6;
        int[][] placements = [[4, 1, 5, 0, 2], [0, 2, 3, 1, 5], [5, 4, 3, 2, 1]];
        string prefix = Header + "qreg q[6];\n" + string.Concat(Enumerable.Range(0, n).Select(q => $"u3({0.3 + q},{0.7 * q},{1.1 - q}) q[{q}];\n")) + "cx q[0],q[3]; cx q[4],q[1]; cx q[2],q[5];\n";
        var before = State(prefix);
        var parameters = SomeParameters(gate.ParameterCount);
        string args = parameters.Length == 0 ? string.Empty : "(" + string.Join(",", parameters.Select(p => p.ToString("R", CultureInfo.InvariantCulture))) + ")";
        foreach (var placement in placements)
        {
            var qubits = placement.Take(gate.QubitCount).ToArray();
            var after = State(prefix + $"{name}{args} {string.Join(",", qubits.Select(q => $"q[{q}]"))};\n");
            var expected = DenseReference.ApplySmall(qubits, gate.FullMatrix(parameters), before);
            Assert.True(DenseReference.MaxDistance(after, expected) < 1e-10, $"{name} on {string.Join(",", qubits)}");
        }
    }

    [Fact]
    public void ControlledGates_MatchKroneckerProducts()
    {
        // I − P1(c)⊗I + P1(c)⊗U, built from 2×2 Kronecker factors, for the controlled gates with one target.
        const int n = 5;
        var v = DenseReference.RandomState(n, new Random(11));
        foreach (var gate in StandardGates.Qelib1.Values.Where(g => g.ControlCount > 0 && g.TargetCount == 1))
        {
            var parameters = SomeParameters(gate.ParameterCount);
            var t = gate.TargetMatrix(parameters);
            var u = new Complex[,] { { t[0], t[1] }, { t[2], t[3] } };
            int[] controls = new[] { 4, 0, 3, 1 }[..gate.ControlCount];
            const int target = 2;
            var reference = DenseReference.Apply(DenseReference.Controlled1(n, target, u, controls), v);
            var mine = DenseReference.ApplySmall([.. controls, target], gate.FullMatrix(parameters), v);
            Assert.True(DenseReference.MaxDistance(mine, reference) < 1e-12, gate.Name);
        }
    }

    [Fact]
    public void SingleQubitMatrices_AreQiskits()
    {
        double th = 0.8, ph = 0.3, la = -1.1;
        double c = Math.Cos(th / 2), s = Math.Sin(th / 2);
        var expected = new Dictionary<string, (double[] P, Complex[] M)>
        {
            ["x"] = ([], [0, 1, 1, 0]),
            ["y"] = ([], [0, -I, I, 0]),
            ["z"] = ([], [1, 0, 0, -1]),
            ["h"] = ([], [1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 1 / Math.Sqrt(2), -1 / Math.Sqrt(2)]),
            ["s"] = ([], [1, 0, 0, I]),
            ["sdg"] = ([], [1, 0, 0, -I]),
            ["t"] = ([], [1, 0, 0, Complex.Exp(I * Math.PI / 4)]),
            ["sx"] = ([], [(1 + I) / 2, (1 - I) / 2, (1 - I) / 2, (1 + I) / 2]),
            ["sxdg"] = ([], [(1 - I) / 2, (1 + I) / 2, (1 + I) / 2, (1 - I) / 2]),
            ["rx"] = ([th], [c, -I * s, -I * s, c]),
            ["ry"] = ([th], [c, -s, s, c]),
            ["rz"] = ([th], [Complex.Exp(-I * th / 2), 0, 0, Complex.Exp(I * th / 2)]),
            ["p"] = ([la], [1, 0, 0, Complex.Exp(I * la)]),
            ["u1"] = ([la], [1, 0, 0, Complex.Exp(I * la)]),
            ["u2"] = ([ph, la], [1 / Math.Sqrt(2), -Complex.Exp(I * la) / Math.Sqrt(2), Complex.Exp(I * ph) / Math.Sqrt(2), Complex.Exp(I * (ph + la)) / Math.Sqrt(2)]),
            ["u3"] = ([th, ph, la], [c, -Complex.Exp(I * la) * s, Complex.Exp(I * ph) * s, Complex.Exp(I * (ph + la)) * c]),
            ["r"] = ([th, ph], [c, -I * Complex.Exp(-I * ph) * s, -I * Complex.Exp(I * ph) * s, c]),
        };
        foreach (var (name, (p, m)) in expected)
        {
            var actual = StandardGates.Find(name)!.FullMatrix([.. p]);
            Assert.True(DenseReference.MaxDistance(actual, m) < 1e-15, name);
        }
    }

    [Fact]
    public void TwoQubitMatrices_AreQiskits()
    {
        double th = 0.9;
        double c = Math.Cos(th / 2), s = Math.Sin(th / 2);
        Complex e = Complex.Exp(-I * th / 2), f = Complex.Exp(I * th / 2);
        double r = 1 / Math.Sqrt(2);

        // Matrices as printed in Qiskit's documentation (little-endian: index bit 0 is the first qubit argument).
        var expected = new Dictionary<string, Complex[]>
        {
            ["cx"] = [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0],
            ["cz"] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1],
            ["swap"] = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1],
            ["iswap"] = [1, 0, 0, 0, 0, 0, I, 0, 0, I, 0, 0, 0, 0, 0, 1],
            ["dcx"] = [1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0],
            ["ecr"] = [0, r, 0, I * r, r, 0, -I * r, 0, 0, I * r, 0, r, -I * r, 0, r, 0],
            ["rzz"] = [e, 0, 0, 0, 0, f, 0, 0, 0, 0, f, 0, 0, 0, 0, e],
            ["rxx"] = [c, 0, 0, -I * s, 0, c, -I * s, 0, 0, -I * s, c, 0, -I * s, 0, 0, c],
            ["ryy"] = [c, 0, 0, I * s, 0, c, -I * s, 0, 0, -I * s, c, 0, I * s, 0, 0, c],
            ["rzx"] = [c, 0, -I * s, 0, 0, c, 0, I * s, -I * s, 0, c, 0, 0, I * s, 0, c],
            ["crz"] = [1, 0, 0, 0, 0, e, 0, 0, 0, 0, 1, 0, 0, 0, 0, f],
        };
        foreach (var (name, m) in expected)
        {
            var gate = StandardGates.Find(name)!;
            var actual = gate.FullMatrix(gate.ParameterCount == 0 ? [] : [th]);
            Assert.True(DenseReference.MaxDistance(actual, m) < 1e-15, name);
        }
    }

    [Fact]
    public void Cu_CarriesItsGlobalPhaseUnderControl()
    {
        // cu(θ,φ,λ,γ) = |0⟩⟨0|⊗I + e^{iγ}|1⟩⟨1|⊗U3: the phase γ is observable because it is controlled.
        var cu = StandardGates.Find("cu")!.FullMatrix([0.4, 0.5, 0.6, 0.7]);
        var u3 = StandardGates.U3(0.4, 0.5, 0.6);
        var phase = Complex.Exp(I * 0.7);
        Assert.True((cu[(1 * 4) + 1] - (phase * u3[0])).Magnitude < 1e-15);
        Assert.True((cu[(3 * 4) + 3] - (phase * u3[3])).Magnitude < 1e-15);
        Assert.Equal(Complex.One, cu[0]);
    }

    [Fact]
    public void Rc3x_IsQiskitsMatrix()
    {
        // Qiskit's RC3XGate array: identity except [3,3] = i, [7,15] = 1, [11,11] = −i, [15,7] = −1.
        var state = new Complex[16, 16];
        for (int i = 0; i < 16; i++)
        {
            if (i is not 3 and not 7 and not 11 and not 15)
            {
                state[i, i] = 1;
            }
        }

        state[3, 3] = I;
        state[7, 15] = 1;
        state[11, 11] = -I;
        state[15, 7] = -1;
        AssertProgramMatrix("rc3x q[0],q[1],q[2],q[3];", 4, state);
    }

    [Fact]
    public void Rccx_IsQiskitsMatrix()
    {
        // Qiskit's RCCXGate array: identity on 0,1,2,4,6; [3,7] = −i, [5,5] = −1, [7,3] = i.
        var m = new Complex[8, 8];
        foreach (int i in new[] { 0, 1, 2, 4, 6 })
        {
            m[i, i] = 1;
        }

        m[3, 7] = -I;
        m[5, 5] = -1;
        m[7, 3] = I;
        AssertProgramMatrix("rccx q[0],q[1],q[2];", 3, m);
    }

    /// <summary>Each native gate against its textbook decomposition into U and CX (qelib1.inc 2017) or Qiskit's definition.</summary>
    [Theory]
    [InlineData("cu1(0.7) a,b;", "u1(0.35) a; cx a,b; u1(-0.35) b; cx a,b; u1(0.35) b;", 2, false)]
    [InlineData("crz(0.7) a,b;", "u1(0.35) b; cx a,b; u1(-0.35) b; cx a,b;", 2, false)]
    [InlineData("cu3(0.4,0.5,0.6) a,b;", "u1((0.6+0.5)/2) a; u1((0.6-0.5)/2) b; cx a,b; u3(-0.4/2,0,-(0.5+0.6)/2) b; cx a,b; u3(0.4/2,0.5,0) b;", 2, false)]
    [InlineData("ch a,b;", "s b; h b; t b; cx a,b; tdg b; h b; sdg b;", 2, false)]
    [InlineData("ccx a,b,c;", "h c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; cx a,c; t b; t c; h c; cx a,b; t a; tdg b; cx a,b;", 3, false)]
    [InlineData("cswap a,b,c;", "cx c,b; ccx a,b,c; cx c,b;", 3, false)]
    [InlineData("rzz(0.9) a,b;", "cx a,b; u1(0.9) b; cx a,b;", 2, true)]
    [InlineData("swap a,b;", "cx a,b; cx b,a; cx a,b;", 2, false)]
    [InlineData("c3x a,b,c,d;", "h d; p(pi/8) a; p(pi/8) b; p(pi/8) c; p(pi/8) d; cx a,b; p(-pi/8) b; cx a,b; cx b,c; p(-pi/8) c; cx a,c; p(pi/8) c; cx b,c; p(-pi/8) c; cx a,c; cx c,d; p(-pi/8) d; cx b,d; p(pi/8) d; cx c,d; p(-pi/8) d; cx a,d; p(pi/8) d; cx c,d; p(-pi/8) d; cx b,d; p(pi/8) d; cx c,d; p(-pi/8) d; cx a,d; h d;", 4, false)]
    [InlineData("c3sqrtx a,b,c,d;", "h d; cu1(pi/8) a,d; h d; cx a,b; h d; cu1(-pi/8) b,d; h d; cx a,b; h d; cu1(pi/8) b,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c; h d; cu1(pi/8) c,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c; h d; cu1(pi/8) c,d; h d;", 4, false)]
    [InlineData("rzx(0.9) a,b;", "h b; cx a,b; u1(0.9) b; cx a,b; h b;", 2, true)]
    [InlineData("csx a,b;", "h b; cu1(pi/2) a,b; h b;", 2, false)]
    public void NativeGates_EqualTheirDecompositions(string native, string decomposition, int qubits, bool upToGlobalPhase)
    {
        string names = string.Join(",", "abcd".Take(qubits));
        string args = string.Join(",", Enumerable.Range(0, qubits).Select(q => $"q[{new[] { 2, 0, 3, 1 }[q]}]"));
        string prefix = Header + "qreg q[4];\n" + "u3(0.3,0.2,0.1) q[0]; u3(1.3,0.7,-0.4) q[1]; u3(2.1,-0.6,0.9) q[2]; u3(0.8,1.4,0.2) q[3]; cx q[0],q[1]; cx q[2],q[3];\n";
        var a = State(prefix + $"gate native_under_test {names} {{ {native} }}\nnative_under_test {args};\n");
        var b = State(prefix + $"gate decomposed {names} {{ {decomposition} }}\ndecomposed {args};\n");
        double distance = upToGlobalPhase ? DistanceUpToPhase(a, b) : DenseReference.MaxDistance(a, b);
        Assert.True(distance < 1e-10, $"{native}: {distance}");
    }

    private static void AssertProgramMatrix(string call, int n, Complex[,] expected)
    {
        for (int column = 0; column < (1 << n); column++)
        {
            string prep = string.Concat(Enumerable.Range(0, n).Where(q => ((column >> q) & 1) == 1).Select(q => $"x q[{q}];\n"));
            var state = State(Header + $"qreg q[{n}];\n" + prep + call);
            for (int row = 0; row < (1 << n); row++)
            {
                Assert.True((state[row] - expected[row, column]).Magnitude < 1e-10, $"{call} [{row},{column}] = {state[row]}, expected {expected[row, column]}");
            }
        }
    }
}

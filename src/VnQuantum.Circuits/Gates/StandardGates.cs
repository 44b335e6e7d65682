using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Numerics;

namespace VnQuantum.Circuits.Gates;

/// <summary>
/// The gates of qelib1.inc as Qiskit defines them (Qiskit's circuit library matrices, little-endian, with their global
/// phases), plus U and CX. Relative-phase Toffolis are defined by their qelib1 decompositions in
/// <see cref="Prelude"/>, so that their phases are exactly what those definitions make them.
/// </summary>
public static class StandardGates
{
    private static readonly Complex I = Complex.ImaginaryOne;
    private static readonly double Half = 1 / Math.Sqrt(2);
    private static readonly Complex[] X = [0, 1, 1, 0];
    private static readonly Complex[] Sx = [new(0.5, 0.5), new(0.5, -0.5), new(0.5, -0.5), new(0.5, 0.5)];
    private static readonly Complex[] Sxdg = [new(0.5, -0.5), new(0.5, 0.5), new(0.5, 0.5), new(0.5, -0.5)];
    private static readonly Complex[] SwapMatrix = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1];

    /// <summary>Definitions, in OpenQASM 2, of the qelib1.inc gates that are not kernels of their own.</summary>
    public const string Prelude = """
        gate rccx a,b,c { u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c; u1(pi/4) c; cx b,c; u1(-pi/4) c; u2(0,pi) c; }
        gate rc3x a,b,c,d { u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; }
        """;

    /// <summary>Gates known without any include: the language's own U and CX.</summary>
    public static FrozenDictionary<string, StandardGate> Intrinsic { get; } = new[]
    {
        Gate("U", 1, 3, 0, GateAction.Matrix, true, p => U3(p[0], p[1], p[2])),
        Gate("CX", 2, 0, 1, GateAction.Flip, true, _ => X),
    }.ToFrozenDictionary(g => g.Name, StringComparer.Ordinal);

    /// <summary>The gates that <c>include "qelib1.inc";</c> brings in, by name.</summary>
    public static FrozenDictionary<string, StandardGate> Qelib1 { get; } = BuildQelib1().ToFrozenDictionary(g => g.Name, StringComparer.Ordinal);

    /// <summary>Looks a gate up among <see cref="Intrinsic"/> and <see cref="Qelib1"/>.</summary>
    public static StandardGate? Find(string name) =>
        Intrinsic.GetValueOrDefault(name) ?? Qelib1.GetValueOrDefault(name);

    public static Complex[] U3(double theta, double phi, double lambda)
    {
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        return [c, -Complex.Exp(I * lambda) * s, Complex.Exp(I * phi) * s, Complex.Exp(I * (phi + lambda)) * c];
    }


    private static IEnumerable<StandardGate> BuildQelib1()
    {
        // The 2017 qelib1.inc (Cross et al., arXiv:1707.03429, appendix).
        yield return Gate("u3", 1, 3, 0, GateAction.Matrix, true, p => U3(p[0], p[1], p[2]));
        yield return Gate("u2", 1, 2, 0, GateAction.Matrix, true, p => U3(Math.PI / 2, p[0], p[1]));
        yield return Gate("u1", 1, 1, 0, GateAction.Phase, true, p => Phase(p[0]));
        yield return Gate("cx", 2, 0, 1, GateAction.Flip, true, _ => X);
        yield return Gate("id", 1, 0, 0, GateAction.Identity, true, _ => [1, 0, 0, 1]);
        yield return Gate("u0", 1, 1, 0, GateAction.Identity, true, _ => [1, 0, 0, 1]);
        yield return Gate("x", 1, 0, 0, GateAction.Flip, true, _ => X);
        yield return Gate("y", 1, 0, 0, GateAction.Matrix, true, _ => [0, -I, I, 0]);
        yield return Gate("z", 1, 0, 0, GateAction.Phase, true, _ => Phase(Math.PI));
        yield return Gate("h", 1, 0, 0, GateAction.Matrix, true, _ => [Half, Half, Half, -Half]);
        yield return Gate("s", 1, 0, 0, GateAction.Phase, true, _ => Phase(Math.PI / 2));
        yield return Gate("sdg", 1, 0, 0, GateAction.Phase, true, _ => Phase(-Math.PI / 2));
        yield return Gate("t", 1, 0, 0, GateAction.Phase, true, _ => Phase(Math.PI / 4));
        yield return Gate("tdg", 1, 0, 0, GateAction.Phase, true, _ => Phase(-Math.PI / 4));
        yield return Gate("rx", 1, 1, 0, GateAction.Matrix, true, p => Rx(p[0]));
        yield return Gate("ry", 1, 1, 0, GateAction.Matrix, true, p => Ry(p[0]));
        yield return Gate("rz", 1, 1, 0, GateAction.Diagonal, true, p => Rz(p[0]));
        yield return Gate("cz", 2, 0, 1, GateAction.Phase, true, _ => Phase(Math.PI));
        yield return Gate("cy", 2, 0, 1, GateAction.Matrix, true, _ => [0, -I, I, 0]);
        yield return Gate("ch", 2, 0, 1, GateAction.Matrix, true, _ => [Half, Half, Half, -Half]);
        yield return Gate("ccx", 3, 0, 2, GateAction.Flip, true, _ => X);
        yield return Gate("crz", 2, 1, 1, GateAction.Diagonal, true, p => Rz(p[0]));
        yield return Gate("cu1", 2, 1, 1, GateAction.Phase, true, p => Phase(p[0]));
        yield return Gate("cu3", 2, 3, 1, GateAction.Matrix, true, p => U3(p[0], p[1], p[2]));

        // What Qiskit's qelib1.inc and exporters add since.
        yield return Gate("u", 1, 3, 0, GateAction.Matrix, false, p => U3(p[0], p[1], p[2]));
        yield return Gate("p", 1, 1, 0, GateAction.Phase, false, p => Phase(p[0]));
        yield return Gate("sx", 1, 0, 0, GateAction.Matrix, false, _ => Sx);
        yield return Gate("sxdg", 1, 0, 0, GateAction.Matrix, false, _ => Sxdg);
        yield return Gate("r", 1, 2, 0, GateAction.Matrix, false, p => R(p[0], p[1]));
        yield return Gate("cp", 2, 1, 1, GateAction.Phase, false, p => Phase(p[0]));
        yield return Gate("cs", 2, 0, 1, GateAction.Phase, false, _ => Phase(Math.PI / 2));
        yield return Gate("csdg", 2, 0, 1, GateAction.Phase, false, _ => Phase(-Math.PI / 2));
        yield return Gate("crx", 2, 1, 1, GateAction.Matrix, false, p => Rx(p[0]));
        yield return Gate("cry", 2, 1, 1, GateAction.Matrix, false, p => Ry(p[0]));
        yield return Gate("csx", 2, 0, 1, GateAction.Matrix, false, _ => Sx);
        yield return Gate("cu", 2, 4, 1, GateAction.Matrix, false, p => Scale(Complex.Exp(I * p[3]), U3(p[0], p[1], p[2])));
        yield return Gate("swap", 2, 0, 0, GateAction.Swap, false, _ => SwapMatrix);
        yield return Gate("cswap", 3, 0, 1, GateAction.Swap, false, _ => SwapMatrix);
        yield return Gate("ccz", 3, 0, 2, GateAction.Phase, false, _ => Phase(Math.PI));
        yield return Gate("c3x", 4, 0, 3, GateAction.Flip, false, _ => X);
        yield return Gate("c4x", 5, 0, 4, GateAction.Flip, false, _ => X);
        yield return Gate("c3sqrtx", 4, 0, 3, GateAction.Matrix, false, _ => Sx);
        yield return Gate("iswap", 2, 0, 0, GateAction.Matrix, false, _ => [1, 0, 0, 0, 0, 0, I, 0, 0, I, 0, 0, 0, 0, 0, 1]);
        yield return Gate("dcx", 2, 0, 0, GateAction.Matrix, false, _ => [1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0]);

        // exp(−iθ/2 P) = cos(θ/2) I − i sin(θ/2) P; the Pauli label's first letter acts on the first qubit.
        yield return Gate("rxx", 2, 1, 0, GateAction.Matrix, false, p => PauliRotation("XX", p[0]));
        yield return Gate("ryy", 2, 1, 0, GateAction.Matrix, false, p => PauliRotation("YY", p[0]));
        yield return Gate("rzz", 2, 1, 0, GateAction.Matrix, false, p => PauliRotation("ZZ", p[0]));
        yield return Gate("rzx", 2, 1, 0, GateAction.Matrix, false, p => PauliRotation("ZX", p[0]));

        // ECR = (IX − XY)/√2 in Qiskit's notation: X on the first qubit, minus Y on the first and X on the second.
        yield return Gate("ecr", 2, 0, 0, GateAction.Matrix, false, _ => Ecr());
    }

    private static StandardGate Gate(string name, int qubits, int parameters, int controls, GateAction action, bool original, Func<ImmutableArray<double>, Complex[]> matrix) =>
        new(name, qubits, parameters, controls, action, original, matrix);

    private static Complex[] Phase(double lambda) => [1, 0, 0, Complex.Exp(I * lambda)];

    private static Complex[] Rx(double theta) => [Math.Cos(theta / 2), -I * Math.Sin(theta / 2), -I * Math.Sin(theta / 2), Math.Cos(theta / 2)];

    private static Complex[] Ry(double theta) => [Math.Cos(theta / 2), -Math.Sin(theta / 2), Math.Sin(theta / 2), Math.Cos(theta / 2)];

    private static Complex[] Rz(double lambda) => [Complex.Exp(-I * lambda / 2), 0, 0, Complex.Exp(I * lambda / 2)];

    private static Complex[] R(double theta, double phi)
    {
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        return [c, -I * Complex.Exp(-I * phi) * s, -I * Complex.Exp(I * phi) * s, c];
    }


    private static Complex[] Scale(Complex factor, Complex[] m) => m.Select(x => factor * x).ToArray();

    private static Complex[] Pauli(char letter) => letter switch
    {
        'I' => [1, 0, 0, 1],
        'X' => [0, 1, 1, 0],
        'Y' => [0, -I, I, 0],
        _ => [1, 0, 0, -1],
    };

    /// <summary>The 4×4 Kronecker product with <paramref name="onFirst"/> on qubit argument 0 (the low bit).</summary>
    private static Complex[] Kron2(Complex[] onSecond, Complex[] onFirst)
    {
        var m = new Complex[16];
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                m[(r * 4) + c] = onSecond[((r >> 1) * 2) + (c >> 1)] * onFirst[((r & 1) * 2) + (c & 1)];
            }
        }

        return m;
    }

    private static Complex[] PauliRotation(string label, double theta)
    {
        var p = Kron2(Pauli(label[1]), Pauli(label[0]));
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        var m = new Complex[16];
        for (int i = 0; i < 16; i++)
        {
            m[i] = (-I * s * p[i]) + ((i % 5 == 0) ? c : 0);
        }

        return m;
    }

    private static Complex[] Ecr()
    {
        var ix = Kron2(Pauli('I'), Pauli('X'));
        var xy = Kron2(Pauli('X'), Pauli('Y'));
        return ix.Zip(xy, (a, b) => (a - b) * Half).ToArray();
    }
}

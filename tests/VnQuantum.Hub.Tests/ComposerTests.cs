using System.Net;
using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.Localization;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Hub.Pages.Tools;
using VnQuantum.Hub.Tools;
using VnQuantum.Simulation;

namespace VnQuantum.Hub.Tests;

public sealed class ComposerGridTests
{
    [Fact]
    public void TheGrid_RoundTrips_AndWritesOpenQasmStepByStep()
    {
        var grid = ComposerGrid.Parse("h,c>1,measure;,x<0,measure");
        Assert.Equal(2, grid.Qubits);
        Assert.Equal("h,c>1,measure,,,,,,,;,x<0,measure,,,,,,,", grid.ToString());
        string qasm = grid.ToQasm();
        Assert.Contains("qubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc[0] = measure q[0];\nc[1] = measure q[1];\n", qasm);
        Assert.DoesNotContain("measure", grid.ToQasm(measurements: false));
    }

    [Fact]
    public void UnknownGates_AndHalvesOfPairs_AreDropped()
    {
        var grid = ComposerGrid.Parse("rm -rf,c>1,x<5;h,,");
        Assert.Equal(string.Empty, grid[0, 0]);
        Assert.Equal(string.Empty, grid[0, 1]); // control without its target
        Assert.Equal(string.Empty, grid[0, 2]); // target of a qubit that does not exist
        Assert.Equal("h", grid[1, 0]);

        // Removing the target's qubit removes the control too; overwriting one end clears the other.
        var pair = ComposerGrid.Parse(",c>2;;,x<0");
        Assert.Equal(string.Empty, pair.WithQubits(2)[0, 1]);
        pair.Place("h", 2, 1);
        Assert.Equal(string.Empty, pair[0, 1]);
        Assert.Equal("h", pair[2, 1]);
        Assert.Equal(6, ComposerGrid.Parse(string.Join(';', Enumerable.Repeat("h", 9))).Qubits);
    }

    [Theory]
    [InlineData("pi/2", "pi/2")]
    [InlineData(" -π/4 ", "-pi/4")]
    [InlineData("3pi/4", "3*pi/4")]
    [InlineData("3*pi/4", "3*pi/4")]
    [InlineData("1pi", "pi")]
    [InlineData("0.30", "0.3")]
    [InlineData("0,3", "0.3")] // a Vietnamese decimal comma
    [InlineData("2", "2")]
    [InlineData("pi/2.5", "pi/2.5")]
    public void Angles_AreReadInTheComposersGrammar(string typed, string canonical) => Assert.Equal(canonical, ComposerGrid.CanonicalAngle(typed));

    [Theory]
    [InlineData("")]
    [InlineData("pi/0")]
    [InlineData("alert(1)")]
    [InlineData("pi;h")]
    [InlineData("1e5")]
    [InlineData("--pi")]
    [InlineData("12345678")]
    [InlineData("1,2,3")]
    public void NotAngles_AreRefused(string typed) => Assert.Null(ComposerGrid.CanonicalAngle(typed));

    [Fact]
    public void Rotations_RoundTripThroughTheGridText_AndRunAsTheirMatrices()
    {
        var grid = ComposerGrid.Empty(1);
        grid.Place(ComposerGrid.Rotation("ry", "pi/3")!, 0, 0);
        grid.Place("rx(alert)", 0, 1); // not a rotation: the cell stays empty
        Assert.Equal("ry(pi/3)", ComposerGrid.Parse(grid.ToString())[0, 0]);
        Assert.Equal(string.Empty, grid[0, 1]);
        Assert.Equal(Math.PI / 3, ComposerGrid.AngleOf(grid[0, 0]), 15);
        Assert.Equal("π/3", ComposerGrid.AngleText(grid[0, 0], new System.Globalization.CultureInfo("vi-VN")));
        Assert.Equal("0,3", ComposerGrid.AngleText("rx(0.3)", new System.Globalization.CultureInfo("vi-VN")));

        // Ry(θ)|0⟩ = cos(θ/2)|0⟩ + sin(θ/2)|1⟩.
        var state = Statevector(grid.ToQasm(measurements: false));
        Assert.Equal(Math.Cos(Math.PI / 6), state[0].Real, 12);
        Assert.Equal(Math.Sin(Math.PI / 6), state[1].Real, 12);
    }

    [Theory]
    [InlineData("h,c>1,rz(-pi/4),measure;,x<0,c>2,sdg;ry(0.3),,z<1,t,measure")]
    [InlineData("x,rx(3*pi/4),c>1;y,tdg,x<0")]
    [InlineData("h,,,,,,,,,c>1;,,,,,,,,,z<0")]
    public void OpenQasm2And3_Exports_ImportBackToTheSameCircuit(string text)
    {
        var grid = ComposerGrid.Parse(text);
        foreach (int version in new[] { 3, 2 })
        {
            var parsed = QasmFrontEnd.Parse(grid.ToQasm(version: version), "export.qasm");
            Assert.True(parsed.Circuit is not null, parsed.Error?.ToString());
            var back = ComposerGrid.FromCircuit(parsed.Circuit, Text, out string? problem);
            Assert.Null(problem);

            // The import lays each gate in the first free step, so the grid may be packed tighter: the state is the same.
            Assert.Equal(grid.ToQasm(measurements: false, version: 3).Split('\n').Order(), back!.ToQasm(measurements: false, version: 3).Split('\n').Order());
            AssertClose(Statevector(grid.ToQasm(measurements: false)), Statevector(back.ToQasm(measurements: false)));
            Assert.Equal(grid.ToQasm().Count(c => c == '\n'), back.ToQasm().Count(c => c == '\n'));
        }
    }

    [Fact]
    public void AnImport_ThatTheGridCannotHold_IsRefused_NamingTheLine()
    {
        string Refusal(string body)
        {
            var parsed = QasmFrontEnd.Parse("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n" + body, "import.qasm");
            Assert.True(parsed.Circuit is not null, parsed.Error?.ToString());
            Assert.Null(ComposerGrid.FromCircuit(parsed.Circuit, Text, out string? problem));
            return problem!;
        }

        Assert.Equal("import.qasm:5:1: gate:ccx", Refusal("qubit[3] q;\nh q[0];\nccx q[0], q[1], q[2];\n"));
        Assert.Equal("import.qasm:5:1: measure", Refusal("qubit[2] q;\nbit[2] c;\nc[1] = measure q[0];\n"));
        Assert.Equal("qubits:7:6", Refusal("qubit[7] q;\nh q;\n"));
        Assert.Equal("import.qasm:14:1: steps:10", Refusal("qubit[1] q;\n" + string.Concat(Enumerable.Repeat("h q[0];\n", 11))));
        Assert.StartsWith("import.qasm:6:", Refusal("qubit[1] q;\nbit[1] c;\nc[0] = measure q[0];\nif (c[0]) x q[0];\n"));

        // A barrier lines its qubits up: the H on q[1] waits for the two X gates on q[0].
        var parsed = QasmFrontEnd.Parse("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nx q[0];\nx q[0];\nbarrier q;\nh q[1];\n", "import.qasm");
        Assert.Equal("h", ComposerGrid.FromCircuit(parsed.Circuit!, Text, out _)![1, 2]);
    }

    [Fact]
    public void ASharedLink_KeepsTheQubitCount_AndDropsTrailingEmptyCells()
    {
        Assert.Equal("h,c>1;,x<0", ComposerGrid.Parse("h,c>1,,,;,x<0,,").ToShareText());
        Assert.Equal(";;", ComposerGrid.Empty(3).ToShareText());
        Assert.Equal(3, ComposerGrid.Parse(";;").Qubits);
        Assert.Equal(1, ComposerGrid.Parse(ComposerGrid.Empty(1).ToShareText()).Qubits);
    }

    internal static Complex[] Statevector(string qasm) =>
        CircuitExecutor.Run(QasmFrontEnd.Parse(qasm, "t.qasm").Circuit!, new ExecutionOptions { Shots = 0, IncludeStatevector = true, Method = SimulationMethod.StateVector }).Statevector!;

    private static void AssertClose(Complex[] expected, Complex[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True((expected[i] - actual[i]).Magnitude < 1e-12, $"amplitude {i}: {expected[i]} vs {actual[i]}");
        }
    }

    // Messages as their keys and arguments, so the tests read what the grid said, not a translation.
    private static readonly IStringLocalizer Text = new KeyText();

    private sealed class KeyText : IStringLocalizer
    {
        public LocalizedString this[string name] => new(name, name);

        public LocalizedString this[string name, params object[] arguments] => new(name, name switch
        {
            "composer.import.gate" => $"{arguments[0]}: gate:{arguments[1]}",
            "composer.import.measure" => $"{arguments[0]}: measure",
            "composer.import.steps" => $"{arguments[0]}: steps:{arguments[1]}",
            "composer.import.qubits" => $"qubits:{arguments[0]}:{arguments[1]}",
            _ => name,
        });

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}

public sealed class BlochVectorTests
{
    [Fact]
    public void KnownStates_HaveTheirTextbookVectors()
    {
        double h = Math.Sqrt(0.5);
        AssertVector((0, 0, 1), BlochVectors.Of([1, 0])[0]);
        AssertVector((0, 0, -1), BlochVectors.Of([0, 1])[0]);
        AssertVector((1, 0, 0), BlochVectors.Of([h, h])[0]);
        AssertVector((-1, 0, 0), BlochVectors.Of([h, -h])[0]);
        AssertVector((0, 1, 0), BlochVectors.Of([h, new Complex(0, h)])[0]); // |+i⟩
        AssertVector((0, -1, 0), BlochVectors.Of([h, new Complex(0, -h)])[0]);

        // A Bell pair's halves are maximally mixed: no vector at all.
        var bell = BlochVectors.Of([h, 0, 0, h]);
        AssertVector((0, 0, 0), bell[0]);
        AssertVector((0, 0, 0), bell[1]);

        // |0⟩ ⊗ |+⟩ in the index order q[1]q[0]: q[0] is |+⟩, q[1] is |0⟩.
        var product = BlochVectors.Of([h, h, 0, 0]);
        AssertVector((1, 0, 0), product[0]);
        AssertVector((0, 0, 1), product[1]);
        Assert.Throws<ArgumentException>(() => BlochVectors.Of([1, 0, 0]));
    }

    [Fact]
    public void RandomStates_AgreeWithPauliExpectations_TakenDirectly()
    {
        var random = new Random(2026);
        for (int trial = 0; trial < 20; trial++)
        {
            int qubits = 1 + (trial % 4);
            var state = Enumerable.Range(0, 1 << qubits).Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5)).ToArray();
            double norm = Math.Sqrt(state.Sum(a => a.Magnitude * a.Magnitude));
            state = [.. state.Select(a => a / norm)];
            var vectors = BlochVectors.Of(state);
            for (int q = 0; q < qubits; q++)
            {
                // ⟨ψ|P_q|ψ⟩ with P applied to the whole vector: X flips bit q, Y flips it with ±i, Z signs it.
                Complex x = 0, y = 0, z = 0;
                for (int i = 0; i < state.Length; i++)
                {
                    int flipped = i ^ (1 << q);
                    bool one = ((i >> q) & 1) == 1;
                    x += Complex.Conjugate(state[flipped]) * state[i];
                    y += Complex.Conjugate(state[flipped]) * state[i] * (one ? -Complex.ImaginaryOne : Complex.ImaginaryOne);
                    z += Complex.Conjugate(state[i]) * state[i] * (one ? -1 : 1);
                }

                AssertVector((x.Real, y.Real, z.Real), vectors[q]);
            }
        }
    }

    private static void AssertVector((double X, double Y, double Z) expected, (double X, double Y, double Z) actual)
    {
        Assert.Equal(expected.X, actual.X, 12);
        Assert.Equal(expected.Y, actual.Y, 12);
        Assert.Equal(expected.Z, actual.Z, 12);
    }
}

public sealed class ComposerPageTests(HubFactory factory) : IClassFixture<HubFactory>
{
    [Fact]
    public async Task TheComposer_StartsEmpty_OpensASharedBellPair_AndPlacesGatesAndPairsByButtons()
    {
        var session = factory.Session();
        string empty = await session.Get("/Tools/Composer");
        Assert.Contains("qubit[2] q;&#xA;bit[2] c;&#xA;</code>", empty);
        Assert.DoesNotContain("composer.bloch", empty); // no resource key shows for want of its text
        Assert.DoesNotContain("composer.import", empty);
        string page = await session.Get("/Tools/Composer?c=" + Uri.EscapeDataString("h,c>1,measure;,x<0,measure"));
        Assert.Contains("|00⟩", page);
        Assert.Contains("0,707", page); // the Bell amplitude, in vi-VN format
        Assert.Contains("|11⟩", page);
        Assert.DoesNotContain("|01⟩</td>", page);

        // X on q[1] at step 4: the state becomes (|01⟩ + |10⟩)/√2 (q[1] is the left bit).
        string grid = "h,c>1,,,,,,,,;,x<0,,,,,,,,";
        string placed = await Post(session, grid, "x", "1,3", null);
        Assert.Contains("x q[1];", placed);
        Assert.Contains("|01⟩", placed);
        Assert.Contains("|10⟩", placed);

        // A CZ: control q[0] at step 5, then the target q[1] in the same step.
        string waiting = await Post(session, grid, "cz", "0,4", null);
        Assert.Contains("chọn qubit đích", waiting);
        Assert.Contains("aria-label=\"q[0], bước 5: trống (đang chờ đích)\"", waiting);
        string english = await Post(session, grid, "cz", "0,4", null, "en");
        Assert.Contains("now choose the target", english);
        Assert.Contains("aria-label=\"q[0], step 5: empty (awaiting target)\"", english);
        string paired = await Post(session, grid, "cz", "1,4", "0,4");
        Assert.Contains("cz q[0], q[1];", paired);
        string wrongStep = await Post(session, grid, "cz", "1,6", "0,4");
        Assert.Contains("cùng bước", wrongStep);
    }

    [Fact]
    public async Task Asked_ForJson_EveryHandlerAnswersTheLiveView()
    {
        var session = factory.Session();
        session.Client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var fields = new Dictionary<string, string> { ["Grid"] = ";", ["Gate"] = "ry", ["Angle"] = "0,5", ["place"] = "1,0", ["Shots"] = "200", ["Seed"] = "3" };
        var response = await session.Post("/Tools/Composer", fields, "/Tools/Composer?handler=Place");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        using var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = view.RootElement;
        Assert.Equal("ry(0.5),,,,,,,,,", root.GetProperty("grid").GetString()!.Split(';')[1]);
        Assert.Contains("ry(0.5) q[1];", root.GetProperty("qasm").GetString());
        var cell = root.GetProperty("cells")[1][0];
        Assert.Equal("Ry", cell.GetProperty("symbol").GetString());
        Assert.Equal("0,5", cell.GetProperty("angle").GetString());
        Assert.Equal("q[1], bước 1: Ry(0,5)", cell.GetProperty("label").GetString());
        Assert.Equal("/Tools/Composer?c=%3Bry%280.5%29&shots=200&seed=3", root.GetProperty("share").GetString());
        Assert.Equal("/Tools/Composer?handler=Qasm&c=%3Bry%280.5%29&shots=200&seed=3&version=2", root.GetProperty("qasm2").GetString());

        // Ry(0.5) on q[1]: its Bloch vector is (sin 0.5, 0, cos 0.5); q[0] stays |0⟩. No measurement: no histogram.
        var bloch = root.GetProperty("bloch");
        Assert.Equal(2, bloch.GetArrayLength());
        Assert.Contains($"x = {Math.Sin(0.5).ToString("0.00", Vi)}, y = 0,00, z = {Math.Cos(0.5).ToString("0.00", Vi)}", bloch[1].GetString());
        Assert.Contains("z = 1,00", bloch[0].GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("histogram").ValueKind);
        Assert.Equal(2, root.GetProperty("amplitudes").GetArrayLength());

        // A bad angle is said, and the grid is kept.
        fields["Angle"] = "pi/0";
        fields["Grid"] = "h;";
        using var refused = JsonDocument.Parse(await (await session.Post("/Tools/Composer", fields, "/Tools/Composer?handler=Place")).Content.ReadAsStringAsync());
        Assert.Contains("“pi/0” không phải là góc", refused.RootElement.GetProperty("message").GetString());
        Assert.StartsWith("h,", refused.RootElement.GetProperty("grid").GetString());

        // Without the header, the same handler answers the page.
        var plain = factory.Session();
        string page = await (await plain.Post("/Tools/Composer", fields, "/Tools/Composer?handler=Run")).Content.ReadAsStringAsync();
        Assert.Contains("<!DOCTYPE html>", page);
    }

    [Fact]
    public async Task ALink_OpensItsCircuit_AndTheExportDownloadsOpenQasm2And3()
    {
        var session = factory.Session();
        string link = "/Tools/Composer?c=" + Uri.EscapeDataString("h,c>1,measure;,x<0,measure") + "&shots=300&seed=9";
        string page = await session.Get(link);
        Assert.Contains("aria-label=\"q[1], bước 2: CNOT đích, điều khiển q[0]\"", page);
        Assert.Contains("300 lần đo", page);
        Assert.Contains("href=\"/Tools/Composer?c=h%2Cc%3E1%2Cmeasure%3B%2Cx%3C0%2Cmeasure&amp;shots=300&amp;seed=9\"", page);

        var qasm3 = await session.Client.GetAsync("/Tools/Composer?handler=Qasm&c=" + Uri.EscapeDataString("h,c>1,measure;,x<0,measure"));
        Assert.Equal("composer.qasm", qasm3.Content.Headers.ContentDisposition!.FileName);
        Assert.Equal("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc[0] = measure q[0];\nc[1] = measure q[1];\n", await qasm3.Content.ReadAsStringAsync());
        var qasm2 = await session.Client.GetAsync("/Tools/Composer?handler=Qasm&version=2&c=" + Uri.EscapeDataString("h,c>1,measure;,x<0,measure"));
        string two = await qasm2.Content.ReadAsStringAsync();
        Assert.Equal("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0], q[1];\nmeasure q[0] -> c[0];\nmeasure q[1] -> c[1];\n", two);

        // What peers' toolkits read, this hub reads back: the same counts from either version.
        var counts3 = CircuitExecutor.Run(QasmFrontEnd.Parse(await qasm3.Content.ReadAsStringAsync(), "a.qasm").Circuit!, new ExecutionOptions { Shots = 500, Seed = 4 }).Counts;
        var counts2 = CircuitExecutor.Run(QasmFrontEnd.Parse(two, "b.qasm").Circuit!, new ExecutionOptions { Shots = 500, Seed = 4 }).Counts;
        Assert.Equal(counts3, counts2);
        Assert.Equal(["00", "11"], counts3.Keys.Order());
    }

    [Fact]
    public async Task AnImport_ReplacesTheGrid_OrSaysWhyNot_InTheReadersLanguage()
    {
        var session = factory.Session();
        var fields = new Dictionary<string, string> { ["Grid"] = "x;", ["Source"] = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nrz(pi/8) q[2];\nmeasure q -> c;\n" };
        string page = await (await session.Post("/Tools/Composer", fields, "/Tools/Composer?handler=Import")).Content.ReadAsStringAsync();
        Assert.Contains("Đã nhập: 7 phép toán.", page);
        Assert.Contains("rz(pi/8) q[2];", page);
        Assert.Contains("aria-label=\"q[2], bước 4: Rz(π/8)\"", page);

        fields["Source"] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[3] q;\nccx q[0], q[1], q[2];\n";
        string english = await (await session.Post("/Tools/Composer?culture=en", fields, "/Tools/Composer?handler=Import&culture=en")).Content.ReadAsStringAsync();
        Assert.Contains("import.qasm:4:1: “ccx” is not one of the composer&#x27;s gates", english);
        Assert.Contains("x q[0];", english); // the grid posted is kept

        fields["Source"] = "OPENQASM 3.0;\nqubit[2] q;\nhh q[0];\n";
        string broken = await (await session.Post("/Tools/Composer", fields, "/Tools/Composer?handler=Import")).Content.ReadAsStringAsync();
        Assert.Contains("import.qasm:3:1:", broken);
        fields["Source"] = new string('x', ComposerModel.MaxImportLength + 1);
        Assert.Contains("tối đa 20.000 ký tự", await (await session.Post("/Tools/Composer", fields, "/Tools/Composer?handler=Import")).Content.ReadAsStringAsync());
    }

    private static readonly System.Globalization.CultureInfo Vi = new("vi-VN");

    private static async Task<string> Post(HubSession session, string grid, string gate, string place, string? pending, string? culture = null)
    {
        var fields = new Dictionary<string, string> { ["Grid"] = grid, ["Gate"] = gate, ["place"] = place, ["Shots"] = "100", ["Seed"] = "1" };
        if (pending is not null)
        {
            fields["Pending"] = pending;
        }

        string query = culture is null ? string.Empty : "culture=" + culture;
        var response = await session.Post("/Tools/Composer?" + query, fields, "/Tools/Composer?handler=Place&" + query);
        return await response.Content.ReadAsStringAsync();
    }
}

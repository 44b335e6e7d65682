using VnQuantum.Hub.Pages.Tools;

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
}

public sealed class ComposerPageTests(HubFactory factory) : IClassFixture<HubFactory>
{
    [Fact]
    public async Task TheComposer_StartsFromABellPair_AndPlacesGatesAndPairsByButtons()
    {
        var session = factory.Session();
        string page = await session.Get("/Tools/Composer");
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

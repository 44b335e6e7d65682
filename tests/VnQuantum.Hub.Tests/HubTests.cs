using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Tests;

public class OrcidAndFoldingTests
{
    [Theory]
    [InlineData("0000-0002-1825-0097")]
    [InlineData("0000-0001-5109-3700")]
    [InlineData("0000-0002-1694-233X")]
    [InlineData("https://orcid.org/0000-0002-1825-0097")]
    public void ValidOrcids_AreAccepted(string text)
    {
        // ORCID's own examples (Josiah Carberry and others), one with the check character X.
        Assert.NotNull(Orcid.Normalise(text, out var error, out _));
        Assert.Equal(OrcidError.None, error);
    }

    [Theory]
    [InlineData("0000-0002-1825-0098", OrcidError.CheckCharacter, '7')]
    [InlineData("0000-0002-1825-009X", OrcidError.CheckCharacter, '7')]
    [InlineData("0000-0002-1694-2331", OrcidError.CheckCharacter, 'X')]
    [InlineData("0000-0002-1825-009", OrcidError.Shape, '\0')]
    [InlineData("0000-0002-1825-00X7", OrcidError.Shape, '\0')]
    [InlineData("", OrcidError.Shape, '\0')]
    public void InvalidOrcids_SayWhy(string text, OrcidError reason, char check)
    {
        Assert.Null(Orcid.Normalise(text, out var error, out char expected));
        Assert.Equal(reason, error);
        Assert.Equal(check, expected);
    }

    [Theory]
    [InlineData("Hà Nội", "ha noi")]
    [InlineData("ĐÀ NẴNG", "da nang")]
    [InlineData("Nguyễn Đức Thảo", "nguyen duc thao")]
    [InlineData("Huế", "hue")]
    public void Folding_RemovesDiacritics_AndFoldsD(string text, string folded)
    {
        Assert.Equal(folded, TextFolding.Fold(text));

        // Decomposed input (NFD, as some keyboards send it) folds the same.
        Assert.Equal(folded, TextFolding.Fold(text.Normalize(NormalizationForm.FormD)));
    }
}

public sealed class HubSearchTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"vnq-hub-{Guid.NewGuid():N}.db");
    private HubDbContext _db = null!;

    public async Task InitializeAsync()
    {
        _db = HubDatabase.Open("sqlite", $"Data Source={_file}");
        await _db.Database.EnsureCreatedAsync();
        Assert.True(SampleData.SeedIfEmpty(_db));
        await SearchIndex.RebuildAsync(_db);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public void SampleData_IsBigEnough_AndMarked()
    {
        Assert.True(_db.People.Count() >= 50);
        Assert.True(_db.Organisations.Count() >= 20);
        Assert.True(_db.Projects.Count() >= 10);
        Assert.All(_db.People, p => Assert.True(p.Sample));
        Assert.All(_db.People.Where(p => p.Orcid != null), p => Assert.NotNull(Orcid.Normalise(p.Orcid, out _, out _)));
        Assert.False(SampleData.SeedIfEmpty(_db));
    }

    [Theory]
    [InlineData("Ha Noi", "Hà Nội")]
    [InlineData("Da Nang", "Đà Nẵng")]
    [InlineData("da nẵng", "Đà Nẵng")]
    [InlineData("Duc", "Đức")]
    [InlineData("Hue", "Huế")]
    public async Task Search_IgnoresDiacritics_AndFoldsD(string query, string expected)
    {
        var hits = await SearchIndex.QueryAsync(_db, query);
        Assert.NotEmpty(hits);
        Assert.Contains(hits, h => h.Title.Contains(expected, StringComparison.Ordinal) || h.Detail.Contains(expected, StringComparison.Ordinal)
            || (h.Kind == "person" && _db.People.Include(p => p.Organisation).Single(p => p.Id == h.Id).Organisation!.City.Contains(expected, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Search_FindsByExpertise_WithPrefixes_AndHandlesOddInput()
    {
        Assert.Contains(await SearchIndex.QueryAsync(_db, "magnetom"), h => h.Kind == "person");
        Assert.Contains(await SearchIndex.QueryAsync(_db, "QKD"), h => h.Kind == "project");
        Assert.Empty(await SearchIndex.QueryAsync(_db, "\" OR * NEAR("));
        Assert.Empty(await SearchIndex.QueryAsync(_db, "   "));
        Assert.Empty(await SearchIndex.QueryAsync(_db, "zzzqqq"));
    }

    [Fact]
    public Task Search_RanksWithinTheVisibleSet_WhenTheTopMatchesArePrivate() => TopMatchesPrivate(_db);

    /// <summary>
    /// 150 private profiles that match in their name (the heaviest field) and three public ones that match only in
    /// their biography: an anonymous search finds the three, a member's a full page.
    /// </summary>
    internal static async Task TopMatchesPrivate(HubDbContext db)
    {
        for (int i = 0; i < 150; i++)
        {
            db.People.Add(new Person { Name = $"Zephyrin Zephyrin {i}", Country = "Việt Nam", Public = false, Biography = "zephyrin" });
        }

        for (int i = 0; i < 3; i++)
        {
            db.People.Add(new Person { Name = $"Public person {i}", Country = "Việt Nam", Biography = "works with zephyrin sources" });
        }

        await db.SaveChangesAsync();
        await SearchIndex.RebuildAsync(db);
        var anonymous = await SearchIndex.QueryAsync(db, "zephyrin");
        Assert.Equal(3, anonymous.Count);
        Assert.All(anonymous, h => Assert.StartsWith("Public person", h.Title, StringComparison.Ordinal));
        var member = await SearchIndex.QueryAsync(db, "zephyrin", signedIn: true);
        Assert.Equal(50, member.Count);
        Assert.All(member, h => Assert.StartsWith("Zephyrin", h.Title, StringComparison.Ordinal));
    }
}

public sealed class HubPageTests : IClassFixture<HubFactory>
{
    private readonly HubFactory _factory;

    public HubPageTests(HubFactory factory) => _factory = factory;

    [Fact]
    public async Task HomePeopleOrganisationsAndProjects_Render_WithTheSampleBadge()
    {
        var client = _factory.CreateClient();
        string home = await client.GetStringAsync("/");
        Assert.Contains("lang=\"vi\"", home);
        Assert.Contains("dữ liệu mẫu", home);
        Assert.Contains("Thành viên", await client.GetStringAsync("/People"));
        Assert.Contains("Học viện Quang tử Đà Nẵng", await client.GetStringAsync("/Organisations"));
        Assert.Contains("Tuyến QKD Hà Nội – Hải Phòng", await client.GetStringAsync("/Projects"));
        Assert.Contains("Sensing", await client.GetStringAsync("/People?pillar=Sensing"));

        // The next event (whichever it is on the day the test runs) and the matchmaking section are on the home page.
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var next = await db.Events.Where(e => e.EndsAt >= DateTime.UtcNow).OrderBy(e => e.StartsAt).Select(e => e.Title).FirstOrDefaultAsync();
        Assert.Contains("Sự kiện sắp tới", home);
        Assert.Contains("Tin kết nối mới", home);
        if (next is not null)
        {
            Assert.Contains(next, home);
        }
    }

    [Fact]
    public async Task SearchPage_FindsDaNangWithoutDiacritics()
    {
        string page = await _factory.CreateClient().GetStringAsync("/Search?q=Da%20Nang");
        Assert.Contains("Học viện Quang tử Đà Nẵng", page);
    }

    [Fact]
    public async Task ProfilePage_ShowsTheOrcid_AndUnknownIdsAre404()
    {
        var client = _factory.CreateClient();
        string profile = await client.GetStringAsync("/People/Details/1");
        Assert.Contains("https://orcid.org/0000-0000-0000-", profile);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/People/Details/99999")).StatusCode);
    }

    [Fact]
    public async Task CircuitTool_RunsABellPair_AndShowsParseErrorsAtTheirLine()
    {
        var client = _factory.CreateClient();
        var (ok, page) = await PostCircuit(client, CircuitBell, 2000);
        Assert.True(ok, page);
        Assert.Contains("<code>00</code>", page);
        Assert.Contains("<code>11</code>", page);
        Assert.DoesNotContain("<code>01</code>", page);
        Assert.Contains("<svg", page);

        var (_, bad) = await PostCircuit(client, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncxx q[0], q[1];\n", 10);
        Assert.Contains("circuit.qasm:4:1:", bad);
        Assert.Contains("did you mean", bad);
        Assert.Contains("class=\"bad-line\"", bad);

        var (_, big) = await PostCircuit(client, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[24];\nh q;\n", 10);
        Assert.Contains("Mạch này có 24 qubit", big);
    }

    [Fact]
    public async Task CircuitTool_RefusesAPostWithoutTheAntiforgeryToken()
    {
        var response = await _factory.CreateClient().PostAsync("/Tools/Circuit", new FormUrlEncodedContent(new Dictionary<string, string> { ["Source"] = CircuitBell, ["Shots"] = "10", ["Seed"] = "1" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("vi-VN")]
    [InlineData("en")]
    public async Task SensingForm_RoundTripsWhatWasTyped_InEveryLanguage(string culture)
    {
        // A number field's value must be invariant ("0.55"), whatever the page's language: vi-VN's "0,55" is a value
        // the browser cannot read, so the field showed empty and the next submit quietly used the default.
        var client = _factory.CreateClient();
        string page = await client.GetStringAsync($"/Tools/Sensing?Mode=ramsey&Coherence=1%20us&Spins=2.5&Contrast=0.55&Photons=0.125&Gamma=3.5&culture={culture}");
        Assert.Contains("name=\"Spins\" type=\"number\" step=\"any\" min=\"1\" value=\"2.5\"", page);
        Assert.Contains("value=\"0.55\"", page);
        Assert.Contains("value=\"0.125\"", page);
        Assert.Contains("value=\"3.5\"", page);
        Assert.DoesNotContain("value=\"0,55\"", page);

        // What the binder cannot read is reported with the field and the text, and nothing is computed from defaults.
        string refused = await client.GetStringAsync($"/Tools/Sensing?Mode=ramsey&Coherence=1%20us&Contrast=0%2C55&culture={culture}");
        Assert.Contains("0,55", refused);
        Assert.Contains(culture == "en" ? "is not a number Contrast can take" : "không phải là số hợp lệ cho Tương phản", refused);
        Assert.DoesNotContain("<figure", refused);
    }

    [Fact]
    public async Task KeyRateAndSensingTools_DrawTheirPlots()
    {
        var client = _factory.CreateClient();
        string rate = await client.GetStringAsync("/Tools/KeyRate?Link=gys&MaxKm=150");
        Assert.Contains("<svg", rate);
        Assert.Contains("PLOB", rate);
        string sensing = await client.GetStringAsync("/Tools/Sensing?Mode=ramsey&Coherence=1%20us&Spins=1&Contrast=0.3&Photons=0.1");
        Assert.Contains("T/√Hz", sensing);
        Assert.Contains("1,402E-07", sensing); // vi-VN: decimal comma
        Assert.Contains("1.402E-07", await client.GetStringAsync("/Tools/Sensing?Mode=ramsey&Coherence=1%20us&Spins=1&Contrast=0.3&Photons=0.1&culture=en"));
        Assert.Contains("<svg", sensing);
        Assert.Contains("has no unit", await client.GetStringAsync("/Tools/Sensing?Coherence=2"));

        // The probe comparison: at N = 100 and γ = 2/s, unentangled spins reach √(2eγ/N), the bound is √(2γ/N) and the
        // noiseless Heisenberg limit √(2γ)/N (English page: invariant digits).
        string probes = await client.GetStringAsync("/Tools/Sensing?Gamma=2&culture=en");
        Assert.Contains("Heisenberg limit without noise", probes);
        Assert.Contains(Math.Sqrt(2 * Math.E * 2 / 100.0).ToString("G4", System.Globalization.CultureInfo.InvariantCulture), probes);
        Assert.Contains(Math.Sqrt(2 * 2 / 100.0).ToString("G4", System.Globalization.CultureInfo.InvariantCulture), probes);
        Assert.Contains((Math.Sqrt(2 * 2.0) / 100).ToString("G4", System.Globalization.CultureInfo.InvariantCulture), probes);
    }

    [Fact]
    public async Task KeyRateTool_OffersEveryProtocolTheCliDoes_AndComputesItWithThePillar()
    {
        var client = _factory.CreateClient();
        string form = await client.GetStringAsync("/Tools/KeyRate?culture=en");
        foreach (var protocol in VnQuantum.Qkd.KeyRates.KeyRateProtocols.All)
        {
            Assert.Contains($"<option value=\"{protocol.Name}\"", form);
            string page = await client.GetStringAsync($"/Tools/KeyRate?Link=lim2014&Protocol={protocol.Name}&MaxKm=100&culture=en");
            Assert.Contains("<svg", page);

            // The table's 50 km row is the registry's rate on the preset's link at 50 km.
            double expected = protocol.Evaluate(VnQuantum.Qkd.Links.LinkPresets.Create("lim2014", 50)).RatePerPulse;
            Assert.Contains($"<td>50</td><td>{expected.ToString("E3", System.Globalization.CultureInfo.InvariantCulture)}</td>", page);
        }

        string bad = await client.GetStringAsync("/Tools/KeyRate?Protocol=e91&culture=en");
        Assert.Contains("role=\"alert\"", bad);
        Assert.Contains("tf-sns", bad);
    }

    [Fact]
    public async Task ManyOutcomes_DrawTheCommonestAndOneOtherBar_AndATableFoldedByPages()
    {
        // 12 qubits in superposition, 2,000 shots: about 1,600 distinct outcomes.
        const string wide = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[12];\ncreg c[12];\nh q;\nmeasure q -> c;\n";
        var (ok, page) = await PostCircuit(_factory.CreateClient(), wide, 2000);
        Assert.True(ok, page);
        // ScottPlot draws its text as glyph outlines, so the bars are counted by their ticks' grid lines: one a bar.
        string svg = page[page.IndexOf("<svg", StringComparison.Ordinal)..(page.IndexOf("</svg>", StringComparison.Ordinal) + 6)];
        Assert.True(svg.Length < 120_000, $"the chart is {svg.Length} characters");
        var grid = System.Text.RegularExpressions.Regex.Match(svg, "d=\"((?:M[0-9.]+ 262L[0-9.]+ [0-9.]+)+)\"");
        Assert.True(grid.Success, "no vertical grid lines found");
        Assert.Equal(VnQuantum.Hub.Plots.SvgCharts.MaxBars, System.Text.RegularExpressions.Regex.Matches(grid.Groups[1].Value, "M").Count);

        // The first 64 rows open, the rest in folds of 64; the page stays small.
        Assert.Contains("Kết quả 1–64 trong", page);
        Assert.Contains("<details>", page);
        Assert.True(page.Length < 400_000, $"{page.Length} characters");
    }

    private const string CircuitBell = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0], q[1];\nmeasure q -> c;\n";

    private static async Task<(bool Ok, string Page)> PostCircuit(HttpClient client, string source, int shots)
    {
        string form = await client.GetStringAsync("/Tools/Circuit");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/Tools/Circuit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Source"] = source,
            ["Shots"] = shots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Seed"] = "7",
            ["__RequestVerificationToken"] = token,
        }));
        return (response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

public sealed class NetworkToolTests(HubFactory factory) : IClassFixture<HubFactory>
{
    [Fact]
    public async Task ASampleNetwork_IsPlanned_AndDrawnOnAMap()
    {
        var session = factory.Session();
        string page = await session.Get("/Tools/Network?Sample=vietnam-backbone.json");
        Assert.Contains("<svg role=\"img\" aria-labelledby=\"map-caption\"", page);
        Assert.Contains("multi-commodity flow", page);
        Assert.Contains("<th scope=\"col\">Đáp ứng</th>", page);
        Assert.Contains("XOR", await session.Get("/Tools/Network?Sample=metro.json&Disjoint=true"));
        Assert.Contains("Chọn một mạng mẫu", await session.Get("/Tools/Network?Sample=..%2Fsecret.json"));
    }

    [Fact]
    public async Task AnUploadedTopology_IsPlanned_OrItsErrorNamesTheFieldAndLine()
    {
        var session = factory.Session();
        string sample = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "samples", "networks", "metro.json"));
        Assert.Contains("<svg role=\"img\"", await Upload(session, "my-metro.json", sample));
        string broken = await Upload(session, "broken.json", "{\n  \"name\": \"x\",\n  \"nodes\": [ }\n");
        Assert.Contains("broken.json:3:", broken);
        Assert.Contains("class=\"error\"", broken);
        string invalid = await Upload(session, "invalid.json", sample.Replace("\"latitude\": 21.0368", "\"latitude\": 210.0368", StringComparison.Ordinal));
        Assert.Contains("nodes[0].latitude", invalid);
    }

    [Fact]
    public async Task OversizedDeepAndExpandingUploads_AreRefusedWithAClearError()
    {
        var session = factory.Session();
        string big = await Upload(session, "big.json", "{\"name\": \"" + new string('x', 10 << 20) + "\"}");
        Assert.Contains("big.json: 10.485.7", big); // the size, vi-VN digits
        Assert.Contains("giới hạn là 262.144", big);

        string deep = await Upload(session, "deep.yaml", "name: deep\nnodes: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        Assert.Contains("deep.yaml:2:", deep);
        Assert.Contains("nested deeper than 64 levels", deep);

        var laughs = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 10; i++)
        {
            laughs.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        Assert.Contains("expands to more than 100,000 values", await Upload(session, "laughs.yaml", laughs.ToString()));
    }

    private static async Task<string> Upload(HubSession session, string name, string content)
    {
        string form = await session.Get("/Tools/Network");
        string token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var body = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(content), "Upload", name },
        };
        var response = await session.Client.PostAsync("/Tools/Network", body);
        return await response.Content.ReadAsStringAsync();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VnQuantum.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("VnQuantum.slnx not found above the test output");
    }
}

public sealed class SharedResourceTests
{
    [Fact]
    public void BothLanguages_HaveTheSameKeys_AndNoStringJoinsTheTwoLanguages()
    {
        var vi = TestText.In("vi").GetAllStrings(includeParentCultures: false).ToDictionary(s => s.Name, s => s.Value);
        var en = TestText.In("en").GetAllStrings(includeParentCultures: false).ToDictionary(s => s.Name, s => s.Value);
        Assert.True(vi.Count > 300, $"{vi.Count} strings");
        Assert.Equal(vi.Keys.Order(StringComparer.Ordinal), en.Keys.Order(StringComparer.Ordinal));
        Assert.All(vi.Concat(en), s => Assert.DoesNotContain(" · ", s.Value, StringComparison.Ordinal));
        Assert.Equal("Đăng ký", TestText.In("vi-VN")["signup.title"]);
        Assert.Equal("Sign up", TestText.In("en")["signup.title"]);
    }
}

public sealed class OutcomeTests
{
    [Fact]
    public void Top_KeepsTheCommonest_AndSumsTheRest_OrEveryOutcomeInKeyOrderWhenFew()
    {
        var many = Enumerable.Range(0, 100).ToDictionary(i => Convert.ToString(i, 2).PadLeft(7, '0'), i => i % 10 == 0 ? 50 : 1 + (i % 7));
        var (shown, otherShots, otherOutcomes) = VnQuantum.Hub.Plots.Outcomes.Top(many, 32);
        Assert.Equal(31, shown.Count);
        Assert.Equal(69, otherOutcomes);
        Assert.Equal(many.Values.Sum(), shown.Sum(o => o.Count) + otherShots);
        Assert.All(shown.Take(10), o => Assert.Equal(50, o.Count)); // the ten 50s first, in key order
        Assert.Equal("0000000", shown[0].Key);
        var hidden = many.Where(c => !shown.Any(o => o.Key == c.Key)).ToList();
        Assert.True(shown.Min(o => o.Count) >= hidden.Max(c => c.Value), "an outcome left out is commoner than one shown");

        var few = new Dictionary<string, int> { ["11"] = 5, ["00"] = 7, ["01"] = 1 };
        var (all, none, zero) = VnQuantum.Hub.Plots.Outcomes.Top(few, 32);
        Assert.Equal(["00", "01", "11"], all.Select(o => o.Key));
        Assert.Equal(0, none + zero);

        var pages = VnQuantum.Hub.Plots.Outcomes.Pages(many, 64);
        Assert.Equal([64, 36], pages.Select(p => p.Count));
        Assert.Equal(50, pages[0][0].Count);
    }
}

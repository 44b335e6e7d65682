using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace VnQuantum.Hub.Tests;

/// <summary>
/// A fact that needs Debian's Chromium (Playwright's own browser download does not work here): skipped where it is not
/// installed, except under CI (CI=true), where <c>.ci/run</c> installs it and its absence is a failure.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HubBrowser.Executable is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "Debian's chromium is not installed (bash .ci/run installs it; VNQ_CHROMIUM names another)";
        }
    }
}

/// <summary>The hub on a real Kestrel port, and Chromium driven by Playwright.</summary>
public sealed class HubBrowser : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"vnq-hub-browser-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public static string? Executable =>
        Environment.GetEnvironmentVariable("VNQ_CHROMIUM") is { Length: > 0 } path ? path
            : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
            : null;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseAddress { get; private set; } = string.Empty;

    /// <summary>The first admin's password, from the file the hub wrote it to.</summary>
    public string AdminPassword => File.ReadAllLines(_file + ".admin")[1];

    /// <summary>Where screenshots go: the test output folder's screenshots/ (kept as CI artefacts).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (Executable is null)
        {
            return;
        }

        // A port of its own (127.0.0.1:0): never 5000, where a developer's hub or another test run may be listening.
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Hub", $"Data Source={_file}").UseSetting("Hub:AdminPasswordFile", _file + ".admin").UseSetting("Hub:Mail:PickupDirectory", _file + ".mail").UseSetting("Hub:Tools:RequestsPerMinute", "100000").UseUrls("http://127.0.0.1:0"));
        _factory.UseKestrel();
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Executable, Headless = true, Args = ["--no-sandbox"] });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
        File.Delete(_file + ".admin");
        if (Directory.Exists(_file + ".mail"))
        {
            Directory.Delete(_file + ".mail", recursive: true);
        }
    }
}

public sealed class BrowserTests(HubBrowser hub) : IClassFixture<HubBrowser>
{
    [BrowserFact]
    public async Task SearchInVietnameseWithoutDiacritics_ByKeyboardOnly()
    {
        var page = await hub.Browser.NewPageAsync();
        await page.GotoAsync(hub.BaseAddress + "/");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Bỏ qua điều hướng", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        // Typed and submitted with Enter in the search box itself; the URL is then polled (a wait that starts after a
        // fast navigation has finished could miss it).
        var searchbox = page.GetByRole(AriaRole.Searchbox);
        await searchbox.FillAsync("Da Nang");
        await searchbox.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/Search\?q=Da(\+|%20)Nang"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Học viện Quang tử Đà Nẵng" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "search.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task CircuitTool_RunsABellPair_AndMarksAParseError()
    {
        var page = await hub.Browser.NewPageAsync();
        await page.GotoAsync(hub.BaseAddress + "/Tools/Circuit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chạy", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "11", Exact = true }).First).ToBeVisibleAsync();
        Assert.True(await page.Locator("figure svg").CountAsync() == 1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "circuit.png"), FullPage = true });

        await page.GetByLabel("Chương trình").FillAsync("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\ncxx q[0], q[1];\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chạy", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("circuit.qasm:4:1:");
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "circuit-error.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task SensingForm_KeepsTheNumbersTyped_InVietnameseAndEnglish()
    {
        foreach (string culture in new[] { "vi-VN", "en" })
        {
            var page = await hub.Browser.NewPageAsync();
            await page.GotoAsync($"{hub.BaseAddress}/Tools/Sensing?culture={culture}");
            var contrast = page.Locator("#Contrast");
            Assert.Equal("0.3", await contrast.InputValueAsync()); // the default is shown, not an empty field
            await contrast.FillAsync("0.55");
            await page.Locator("#Photons").FillAsync("0.125");
            await page.Locator("#Photons").PressAsync("Enter");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("Contrast=0.55"));
            Assert.Equal("0.55", await page.Locator("#Contrast").InputValueAsync());
            Assert.Equal("0.125", await page.Locator("#Photons").InputValueAsync());
            await Assertions.Expect(page.Locator("figure svg").First).ToBeVisibleAsync();
            await page.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task KeyRatePlot_Renders()
    {
        var page = await hub.Browser.NewPageAsync();
        await page.GotoAsync(hub.BaseAddress + "/Tools/KeyRate");
        await Assertions.Expect(page.Locator("figure svg")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "keyrate.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task SignUp_Profile_AndPostingAnOffer_ByKeyboard_PassAxe()
    {
        var context = await hub.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(hub.BaseAddress + "/Account/SignUp");
        await Axe(page, "/Account/SignUp");
        await page.GetByLabel("Họ tên").FillAsync("Ngô Thanh Tâm");
        await page.GetByLabel("E-mail").FillAsync("tam@example.vn");
        await page.GetByLabel("Mật khẩu").FillAsync("bún chả Hà Nội ngon nhất");
        await page.GetByLabel("Mật khẩu").PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Manage/Profile"));
        await Axe(page, "/Account/Manage/Profile");
        await page.GetByLabel("ORCID iD").FillAsync("0000-0002-1825-0098");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lưu", Exact = true }).PressAsync("Enter");
        await Assertions.Expect(page.Locator("#orcid-error")).ToContainTextAsync("phải là 7, không phải 8");
        await page.GetByLabel("ORCID iD").FillAsync("0000-0002-1825-0097");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lưu", Exact = true }).PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã lưu");
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "profile.png"), FullPage = true });

        await page.GotoAsync(hub.BaseAddress + "/Offers/Edit");
        await Axe(page, "/Offers/Edit");
        await page.GetByLabel("Loại").SelectOptionAsync("TechnologyOffer");
        await page.GetByLabel("Tiêu đề").FillAsync("Chào công nghệ: bộ đếm photon đơn");
        await page.GetByLabel("Mô tả").FillAsync("Mô-đun SNSPD, hiệu suất 80 %.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi duyệt" }).PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Offers/Mine$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "chờ duyệt" })).ToBeVisibleAsync();
        await Axe(page, "/Offers/Mine");
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "offers-mine.png"), FullPage = true });
        await context.CloseAsync();
    }

    [BrowserFact]
    public async Task AnExercise_RendersItsFormulas_AndChecksABellState()
    {
        var page = await hub.Browser.NewPageAsync();
        await WatchCsp(page);
        await page.GotoAsync(hub.BaseAddress + "/Learn/intro/02-entanglement");

        // KaTeX, served from the hub itself, has typeset the lesson's formulas.
        await Assertions.Expect(page.Locator(".lesson .katex").First).ToBeVisibleAsync();

        // KaTeX and the lesson's script run under the content security policy without a single refusal.
        Assert.Empty(await Refused(page));
        await Axe(page, "/Learn/intro/02-entanglement");
        await page.GetByLabel("Chương trình OpenQASM").FillAsync("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Kiểm tra" }).PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đúng!");
        Assert.Equal(1, await page.Locator("figure svg").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "lesson-exercise.png"), FullPage = true });

        // The same lesson in English, through the switcher.
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Entanglement");
    }

    /// <summary>Records, in each page the browser loads, what it refuses under the content security policy.</summary>
    private static Task WatchCsp(IPage page) =>
        page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => (window.__refused = window.__refused || []).push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)));");

    /// <summary>What the current page has refused so far.</summary>
    private static async Task<string[]> Refused(IPage page) => await page.EvaluateAsync<string[]>("() => window.__refused || []");

    [BrowserFact]
    public async Task AJob_ShowsItsProgressLive_UntilItsResult()
    {
        var context = await hub.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await WatchCsp(page);
        await page.GotoAsync(hub.BaseAddress + "/Account/SignUp");
        await page.GetByLabel("Họ tên").FillAsync("Đinh Công Tráng");
        await page.GetByLabel("E-mail").FillAsync("jobs.browser@example.vn");
        await page.GetByLabel("Mật khẩu").FillAsync("tiến độ hiện trực tiếp trên trang");
        await page.GetByLabel("Mật khẩu").PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Manage/Profile"));
        await page.GotoAsync(hub.BaseAddress + "/Jobs/New");
        await Axe(page, "/Jobs/New");
        await page.GetByLabel("Số lần đo").FillAsync("200000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Jobs/Details/[0-9]+$"));

        // The status block polls itself (htmx) and turns into the result without a reload.
        await Assertions.Expect(page.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-state]")).ToHaveTextAsync("Hoàn thành");
        await Assertions.Expect(page.Locator("#job-status figure svg")).ToBeVisibleAsync();
        await Axe(page, "/Jobs/Details");
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "job.png"), FullPage = true });
        Assert.Empty(await Refused(page));
        await context.CloseAsync();
    }

    [BrowserFact]
    public async Task TheComposer_IsOperableByKeyboardAlone()
    {
        var page = await hub.Browser.NewPageAsync();
        await page.GotoAsync(hub.BaseAddress + "/Tools/Composer");
        await Axe(page, "/Tools/Composer");

        // The gate palette is a radio group: arrow keys move from H to X. Then Tab to a cell and Enter.
        await page.GetByRole(AriaRole.Radio, new() { Name = "H", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.True(await page.GetByRole(AriaRole.Radio, new() { Name = "X", Exact = true }).IsCheckedAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "q[1], bước 4: trống" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "q[1], bước 4: X" })).ToHaveTextAsync("X");
        await Assertions.Expect(page.Locator("pre code")).ToContainTextAsync("x q[1];");
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "composer.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task TheComposer_DrawsLive_WithoutAReload_OnAPhoneAndADesktop_InBothLanguages()
    {
        foreach (var (culture, width, height) in new[] { ("vi-VN", 390, 844), ("en", 1280, 900) })
        {
            bool vi = culture == "vi-VN";
            await using var context = await hub.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true });
            var page = await context.NewPageAsync();
            await page.GotoAsync($"{hub.BaseAddress}/Tools/Composer?culture={culture}");
            await page.EvaluateAsync("() => { window.stayed = true; }");
            string step = vi ? "bước" : "step";
            string empty = vi ? "trống" : "empty";
            ILocator Cell(int q, int s, string name) => page.GetByRole(AriaRole.Button, new() { Name = $"q[{q}], {step} {s}: {name}", Exact = true });
            ILocator Sphere(int q, string numbers) => page.GetByRole(AriaRole.Img, new() { Name = (vi ? $"Véc-tơ Bloch của q[{q}]: " : $"Bloch vector of q[{q}]: ") + numbers, Exact = true });

            // It starts empty: both qubits at |0⟩.
            await Assertions.Expect(Sphere(0, vi ? "x = 0,00, y = 0,00, z = 1,00" : "x = 0.00, y = 0.00, z = 1.00")).ToBeVisibleAsync();

            // H on q[0]: its vector turns to +x, and the program and link follow.
            await page.GetByRole(AriaRole.Radio, new() { Name = "H", Exact = true }).CheckAsync();
            await Cell(0, 1, empty).ClickAsync();
            await Assertions.Expect(Cell(0, 1, "H")).ToHaveTextAsync("H");
            await Assertions.Expect(page.Locator("#composer-qasm")).ToContainTextAsync("h q[0];");
            await Assertions.Expect(Sphere(0, vi ? "x = 1,00, y = 0,00, z = 0,00" : "x = 1.00, y = 0.00, z = 0.00")).ToBeVisibleAsync();

            // CNOT: control, then target in the same step. The halves of a Bell pair have no vector of their own.
            await page.GetByRole(AriaRole.Radio, new() { Name = "CNOT", Exact = true }).CheckAsync();
            await Cell(0, 2, empty).ClickAsync();
            await Assertions.Expect(page.Locator("#composer-message")).ToContainTextAsync(vi ? "chọn qubit đích" : "now choose the target");
            await Cell(1, 2, empty).ClickAsync();
            await Assertions.Expect(page.Locator("#composer-qasm")).ToContainTextAsync("cx q[0], q[1];");
            await Assertions.Expect(Sphere(1, vi ? "x = 0,00, y = 0,00, z = 0,00" : "x = 0.00, y = 0.00, z = 0.00")).ToBeVisibleAsync();

            // A rotation with an angle typed in the page's language, dragged from the palette onto its cell.
            await page.GetByLabel(vi ? "Góc θ" : "Angle θ", new() { Exact = true }).FillAsync(vi ? "0,5" : "0.5");
            await page.Locator("label.gate", new() { HasText = "Ry(θ)" }).DragToAsync(Cell(1, 3, empty));
            await Assertions.Expect(Cell(1, 3, vi ? "Ry(0,5)" : "Ry(0.5)")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#composer-qasm")).ToContainTextAsync("ry(0.5) q[1];");

            // Measurements bring the histogram.
            await page.GetByRole(AriaRole.Radio, new() { Name = vi ? "đo" : "measure", Exact = true }).CheckAsync();
            await Cell(0, 4, empty).ClickAsync();
            await Assertions.Expect(page.Locator("#composer-histogram svg")).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => window.stayed === true"), "the page reloaded");

            // The address is the circuit: opened afresh, it shows the same grid.
            Assert.Contains("c=", page.Url);
            var shared = await context.NewPageAsync();
            await shared.GotoAsync(page.Url + "&culture=" + culture);
            await Assertions.Expect(shared.GetByRole(AriaRole.Button, new() { Name = $"q[1], {step} 3: " + (vi ? "Ry(0,5)" : "Ry(0.5)"), Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(shared.Locator("#composer-qasm")).ToHaveTextAsync(await page.Locator("#composer-qasm").TextContentAsync() ?? "x");
            await shared.CloseAsync();

            // Export: an OpenQASM 2 file to download.
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#composer-qasm2").ClickAsync());
            Assert.Equal("composer.qasm2.qasm", download.SuggestedFilename);
            Assert.StartsWith("OPENQASM 2.0;", await File.ReadAllTextAsync(await download.PathAsync()));

            // Import: a QASM 2 GHZ state replaces the grid; a bad program is refused at its line, the grid kept.
            await page.GetByText(vi ? "Nhập OpenQASM 2 hoặc 3" : "Import OpenQASM 2 or 3").ClickAsync();
            var source = page.Locator("#Source");
            await source.FillAsync("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\n");
            await page.GetByRole(AriaRole.Button, new() { Name = vi ? "Nhập" : "Import", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#composer-message")).ToContainTextAsync(vi ? "Đã nhập: 3 phép toán." : "Imported: 3 operations.");
            await Assertions.Expect(Cell(2, 3, vi ? "CNOT đích, điều khiển q[1]" : "CNOT target, control q[1]")).ToBeVisibleAsync();
            await source.FillAsync("OPENQASM 3.0;\nqubit[1] q;\nhadamard q[0];\n");
            await page.GetByRole(AriaRole.Button, new() { Name = vi ? "Nhập" : "Import", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#composer-message")).ToContainTextAsync("import.qasm:3:1");
            await Assertions.Expect(Cell(2, 3, vi ? "CNOT đích, điều khiển q[1]" : "CNOT target, control q[1]")).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => window.stayed === true"), "the page reloaded");

            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(widths[0] <= widths[1], $"{culture} composer: {widths[0]} px wide on a {widths[1]} px screen");
            await Axe(page, "/Tools/Composer live " + culture);
            await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, $"composer-live-{culture}-{width}.png"), FullPage = true });
        }
    }

    [BrowserFact]
    public async Task MainPages_PassAxeWcag22AA()
    {
        var page = await hub.Browser.NewPageAsync();
        foreach (string path in new[] { "/", "/People", "/People/Details/1", "/Organisations", "/Organisations/Details/2", "/Projects", "/Search?q=QKD", "/Offers", "/Events", "/Events/Details/1", "/Account/SignIn", "/Account/SignUp?culture=en", "/Learn", "/Learn/intro", "/Learn/intro/03-bb84?culture=en", "/Tools/Circuit", "/Tools/KeyRate", "/Tools/Network", "/Tools/Sensing" })
        {
            await page.GotoAsync(hub.BaseAddress + path);
            await Axe(page, path);
        }

        await page.GotoAsync(hub.BaseAddress + "/");
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "home.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task ErrorStatuses_ArePagesOfTheHub_InBothLanguages_AndPassAxe()
    {
        var page = await hub.Browser.NewPageAsync();
        var missing = await page.GotoAsync(hub.BaseAddress + "/Events/Details/987654");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Không tìm thấy trang" })).ToBeVisibleAsync();
        await Axe(page, "/Events/Details/987654");

        // What a refused tool request shows (the page itself; the HTTP tests drive a real limit to it).
        var limited = await page.GotoAsync(hub.BaseAddress + "/Status/429?culture=en");
        Assert.Equal(429, limited!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Too many requests" })).ToBeVisibleAsync();
        await Axe(page, "/Status/429");
        await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "status-429.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task APostsAuthor_IsToldOfItsPublicationAndOfInterest_OnAPhone_InBothLanguages()
    {
        const string title = "Chào công nghệ: nguồn photon rối cho QKD";
        await using var authorContext = await hub.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var author = await authorContext.NewPageAsync();
        await author.GotoAsync(hub.BaseAddress + "/Account/SignUp");
        await author.GetByLabel("Họ tên").FillAsync("Trịnh Hải Yến");
        await author.GetByLabel("E-mail").FillAsync("hai.yen@example.vn");
        await author.GetByLabel("Mật khẩu").FillAsync("bánh mì Hội An giòn rụm");
        await author.GetByLabel("Mật khẩu").PressAsync("Enter");
        await Assertions.Expect(author).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Manage/Profile"));
        await author.GotoAsync(hub.BaseAddress + "/Offers/Edit");
        await author.GetByLabel("Loại").SelectOptionAsync("TechnologyOffer");
        await author.GetByLabel("Tiêu đề").FillAsync(title);
        await author.GetByLabel("Mô tả").FillAsync("Nguồn cặp photon **rối** ở 1550 nm, xem [thông số](https://example.vn/epr).");
        await author.GetByRole(AriaRole.Button, new() { Name = "Gửi duyệt" }).PressAsync("Enter");
        await Assertions.Expect(author).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Offers/Mine$"));

        // A network admin publishes it from the review queue; a member expresses interest.
        await using (var adminContext = await hub.Browser.NewContextAsync())
        {
            var admin = await adminContext.NewPageAsync();
            await admin.GotoAsync(hub.BaseAddress + "/Account/SignIn");
            await admin.GetByLabel("E-mail").FillAsync("admin@vnquantum.local");
            await admin.GetByLabel("Mật khẩu").FillAsync(hub.AdminPassword);
            await admin.GetByLabel("Mật khẩu").PressAsync("Enter");
            await admin.GotoAsync(hub.BaseAddress + "/Admin/Review");
            await admin.Locator("section.card").Filter(new() { HasText = title }).GetByRole(AriaRole.Button, new() { Name = "Đăng", Exact = true }).ClickAsync();
            await Assertions.Expect(admin.GetByText(title)).ToHaveCountAsync(0);
        }

        await using (var readerContext = await hub.Browser.NewContextAsync())
        {
            var reader = await readerContext.NewPageAsync();
            await reader.GotoAsync(hub.BaseAddress + "/Account/SignUp");
            await reader.GetByLabel("Họ tên").FillAsync("Lý Quốc Khánh");
            await reader.GetByLabel("E-mail").FillAsync("quoc.khanh@example.vn");
            await reader.GetByLabel("Mật khẩu").FillAsync("phở bò tái chín buổi sớm");
            await reader.GetByLabel("Mật khẩu").PressAsync("Enter");
            await Assertions.Expect(reader).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Manage/Profile"));
            await reader.GotoAsync(hub.BaseAddress + "/Offers");
            await reader.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
            await Assertions.Expect(reader.Locator("main")).ToContainTextAsync("Trịnh Hải Yến");
            await Assertions.Expect(reader.Locator(".prose strong")).ToHaveTextAsync("rối");
            await reader.GetByLabel("Bày tỏ quan tâm").FillAsync("Chúng tôi muốn thử nguồn này.");
            await reader.GetByRole(AriaRole.Button, new() { Name = "Gửi", Exact = true }).ClickAsync();
            await Assertions.Expect(reader.GetByRole(AriaRole.Status)).ToContainTextAsync("đang chờ");
        }

        // On the author's phone: the count is in the folded menu, the notices page reads in each language and fits.
        foreach (string culture in new[] { "vi-VN", "en" })
        {
            await author.GotoAsync(hub.BaseAddress + "/Offers?culture=" + culture);
            await author.Locator("button.menu-toggle").ClickAsync();
            var link = author.Locator("#nav-items a[href='/Notices']");
            if (culture == "vi-VN")
            {
                await Assertions.Expect(link.Locator(".count")).ToHaveTextAsync("2");
                await Axe(author, "/Offers (phone, unread notices)");
            }

            await Assertions.Expect(author.Locator("#nav-items a[href='/Offers/Mine']")).ToBeVisibleAsync();
            if (culture == "vi-VN")
            {
                await link.ClickAsync();
                await Assertions.Expect(author).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Notices$"));
            }
            else
            {
                await author.GotoAsync(hub.BaseAddress + "/Notices?culture=en"); // ?culture= holds for one request
            }

            string[] expected = culture == "en"
                ? [$"Your post “{title}” was published.", $"Somebody is interested in your post “{title}”."]
                : [$"Tin “{title}” của bạn đã được đăng.", $"Có người quan tâm đến tin “{title}” của bạn."];
            foreach (string text in expected)
            {
                await Assertions.Expect(author.Locator("ul.notices")).ToContainTextAsync(text);
            }

            var widths = await author.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(widths[0] <= widths[1], $"{culture} /Notices: {widths[0]} px wide on a {widths[1]} px screen");
            await Axe(author, "/Notices " + culture);
            await author.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, $"phone-notices-{culture}.png"), FullPage = true });
        }

        await Assertions.Expect(author.Locator("#nav-items a[href='/Notices'] .count")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task OnAPhone_NoPageScrollsSideways_TheHeaderFolds_AndPlotsFit_InBothLanguages()
    {
        // 360 × 740: the narrowest phones in use. Every main page in Vietnamese and English: the document is no wider
        // than the screen (tables, code and the composer's grid scroll inside themselves), the header with its menu
        // folded takes under a sixth of the height, and every plot's box lies within the screen.
        string[] paths = ["/", "/People", "/People/Details/1", "/Organisations", "/Organisations/Details/2", "/Projects", "/Search?q=QKD", "/Offers", "/Events", "/Events/Details/1", "/Account/SignIn", "/Account/SignUp", "/Learn", "/Learn/intro", "/Learn/intro/03-bb84", "/Tools/Circuit", "/Tools/Composer", "/Tools/KeyRate", "/Tools/Network", "/Tools/Sensing", "/Status/429"];
        foreach (string culture in new[] { "vi-VN", "en" })
        {
            await using var context = await hub.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 } });
            var page = await context.NewPageAsync();
            foreach (string path in paths)
            {
                string url = hub.BaseAddress + path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "culture=" + culture;
                await page.GotoAsync(url);
                var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
                Assert.True(widths[0] <= widths[1], $"{culture} {path}: the page is {widths[0]} px wide on a {widths[1]} px screen");
                double header = await page.EvaluateAsync<double>("() => document.querySelector('header').getBoundingClientRect().height");
                Assert.True(header <= 740 / 6.0, $"{culture} {path}: the folded header is {header} px high");
                double widest = await page.EvaluateAsync<double>("() => Math.max(0, ...[...document.querySelectorAll('main svg')].map(s => s.getBoundingClientRect().right))");
                Assert.True(widest <= widths[1], $"{culture} {path}: a plot reaches {widest} px on a {widths[1]} px screen");
            }

            // The menu opens and closes from the keyboard, and its items are then reachable.
            await page.GotoAsync(hub.BaseAddress + "/?culture=" + culture);
            var menu = page.Locator("button.menu-toggle");
            var people = page.Locator("#nav-items a[href='/People']");
            await Assertions.Expect(people).ToBeHiddenAsync();
            await menu.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
            await Assertions.Expect(people).ToBeVisibleAsync();
            await Axe(page, "/ (phone, menu open)");
            if (culture == "vi-VN")
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, "phone-menu-open.png") });
            }

            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(people).ToBeHiddenAsync();
            await Assertions.Expect(menu).ToBeFocusedAsync();
            foreach (string shot in new[] { "/Tools/Composer", "/Tools/Sensing", "/Tools/KeyRate" })
            {
                await page.GotoAsync(hub.BaseAddress + shot + "?culture=" + culture);
                await page.ScreenshotAsync(new() { Path = Path.Combine(HubBrowser.Screenshots, $"phone-{shot[7..].ToLowerInvariant()}-{culture}.png"), FullPage = true });
            }

            // Sensing labels sit above their own fields, not at the end of the line before.
            await page.GotoAsync(hub.BaseAddress + "/Tools/Sensing?culture=" + culture);
            foreach (string field in new[] { "Spins", "Contrast", "Photons" })
            {
                var label = await page.Locator($"label[for={field}]").BoundingBoxAsync();
                var input = await page.Locator($"#{field}").BoundingBoxAsync();
                Assert.True(label!.Y + label.Height <= input!.Y + 1 && Math.Abs(label.X - input.X) < 2, $"{culture}: the label of {field} is not above it ({label.X},{label.Y}) vs ({input.X},{input.Y})");
            }
        }

        // On a desktop the menu button is not there and every item is in the bar.
        var desktop = await hub.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await desktop.GotoAsync(hub.BaseAddress + "/");
        await Assertions.Expect(desktop.Locator("button.menu-toggle")).ToBeHiddenAsync();
        await Assertions.Expect(desktop.Locator("#nav-items a[href='/People']")).ToBeVisibleAsync();
    }

    /// <summary>axe-core with the WCAG 2.0/2.1 A and AA and 2.2 AA rules: no violation allowed.</summary>
    private static async Task Axe(IPage page, string path)
    {
        var result = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        });
        Assert.True(result.Violations.Length == 0, $"{path}: " + string.Join("; ", result.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length} nodes: {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(",", n.Target)))})")));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace VnQuantum.Hub.Tests;

/// <summary>The attacks a security review runs on the hub: headers and cookies, script in every text field, forms without their token, redirects elsewhere.</summary>
public sealed partial class SecurityTests(HubFactory factory) : IClassFixture<HubFactory>
{
    // Breaks out of an attribute, a text node, a script string and an SVG title, and tries an event handler.
    private const string Payload = "\"'><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>";

    [Fact]
    public async Task EveryPage_CarriesThePolicyHeaders_AndHstsOverHttpsOnly()
    {
        var https = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://hub.example/"), AllowAutoRedirect = false });
        foreach (string path in new[] { "/", "/Tools/Circuit", "/Learn/intro/01-qubits-and-gates", "/Account/SignIn", "/does-not-exist", "/Jobs" })
        {
            var response = await https.GetAsync(path);
            string csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-", csp);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.StartsWith("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        }

        var http = await factory.CreateClient().GetAsync("/");
        Assert.False(http.Headers.Contains("Strict-Transport-Security"));
        Assert.True(http.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task NoPage_HasInlineScriptOrStyleElements()
    {
        var session = factory.Session();
        await session.SignIn(factory.AdminEmail, factory.AdminPassword);
        foreach (string path in new[] { "/", "/People", "/Search?q=QKD", "/Learn/intro/02-entanglement", "/Tools/Circuit", "/Tools/Composer", "/Tools/KeyRate", "/Tools/Network", "/Tools/Sensing", "/Jobs/New", "/Admin/Review", "/Account/Manage/Profile" })
        {
            string page = await session.Get(path);
            Assert.DoesNotMatch(InlineScript(), page);
            Assert.DoesNotContain("<style", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(EventHandlerAttribute(), page);
        }
    }

    [Fact]
    public async Task Cookies_AreHttpOnlyAndSameSite_AndSecureOverHttps()
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://hub.example/"), AllowAutoRedirect = false, HandleCookies = true });
        var session = new HubSession(client);
        string form = await session.Get("/Account/SignIn");
        var response = await client.PostAsync("/Account/SignIn", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = factory.AdminEmail,
            ["Password"] = factory.AdminPassword,
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var language = await session.Post("/", new() { ["culture"] = "en", ["returnUrl"] = "/" }, "/Language");
        var cookies = response.Headers.GetValues("Set-Cookie").Concat(language.Headers.GetValues("Set-Cookie")).ToList();
        Assert.Contains(cookies, c => c.StartsWith("vnq.hub=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        foreach (string cookie in cookies)
        {
            string flags = cookie.ToLowerInvariant();
            Assert.True(flags.Contains("; secure", StringComparison.Ordinal) && flags.Contains("; httponly", StringComparison.Ordinal) && (flags.Contains("samesite=lax", StringComparison.Ordinal) || flags.Contains("samesite=strict", StringComparison.Ordinal)), cookie);
        }

        // The antiforgery cookie, set by the first form page.
        var first = await factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://hub.example/") }).GetAsync("/Account/SignIn");
        string antiforgery = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("vnq.antiforgery=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", antiforgery);
        Assert.Contains("; httponly", antiforgery);
        Assert.Contains("samesite=strict", antiforgery);
    }

    [Fact]
    public async Task ScriptInEveryTextField_IsRenderedInert()
    {
        var session = factory.Session();
        var made = await session.SignUp("xss@example.vn", Payload, "a long enough passphrase 42");
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var profile = new Dictionary<string, string>
        {
            ["Name"] = Payload,
            ["Affiliation"] = Payload,
            ["Country"] = Payload[..50],
            ["Expertise"] = "xssprobe " + Payload,
            ["Pillar"] = "Sensing",
            ["Orcid"] = string.Empty,
            ["Biography"] = Payload,
            ["Publications"] = "javascript:alert(4)\n" + Payload,
            ["Public"] = "true",
        };

        // A javascript: link is refused by the publications check, and the refusal echoes it inertly.
        await AssertInert(await session.Post("/Account/Manage/Profile", profile));
        profile["Publications"] = "https://doi.org/10.1103/PhysRevLett.94.230504";
        var saved = await session.Post("/Account/Manage/Profile", profile);
        await AssertInert(saved);
        Assert.Contains("Đã lưu", await saved.Content.ReadAsStringAsync());

        int id = int.Parse(PersonLink().Match(await session.Get("/Search?q=xssprobe")).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var anonymous = factory.Session();
        await AssertInert(await anonymous.Client.GetAsync($"/People/Details/{id}"));
        await AssertInert(await anonymous.Client.GetAsync("/People"));
        await AssertInert(await anonymous.Client.GetAsync("/Search?q=xssprobe"));
        await AssertInert(await anonymous.Client.GetAsync("/Search?q=" + Uri.EscapeDataString(Payload)));

        // The tools echo what they were given: a program, and an uploaded topology's names.
        await AssertInert(await session.Post("/Tools/Circuit", new() { ["Source"] = "OPENQASM 3.0;\n" + Payload + "\n", ["Shots"] = "1", ["Seed"] = "1" }));
        string topology = $$"""
            {"name": {{Json(Payload)}}, "profiles": [{"name": "p", "preset": "lim2014"}],
             "nodes": [{"id": "a", "name": {{Json(Payload)}}, "latitude": 21.03, "longitude": 105.83, "kind": "site"}, {"id": "b", "name": "B", "latitude": 21.0, "longitude": 105.85, "kind": "site"}],
             "links": [{"id": {{Json(Payload)}}, "from": "a", "to": "b", "profile": "p"}],
             "demands": [{"id": {{Json(Payload)}}, "from": "a", "to": "b", "rateBps": 100, "priority": 1}]}
            """;
        string form = await session.Get("/Tools/Network");
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(Token().Match(form).Groups[1].Value), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(topology)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, "Upload", "<script>alert(1)</script><img src=x onerror=alert(2)>.json" },
        };
        await AssertInert(await session.Client.PostAsync("/Tools/Network", upload));
    }

    [Fact]
    public async Task EveryForm_IsRefusedWithoutItsAntiforgeryToken()
    {
        var session = factory.Session();
        await session.SignIn(factory.AdminEmail, factory.AdminPassword);
        var actions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string path in new[] { "/", "/Account/SignIn", "/Account/SignUp", "/Account/Manage/Profile", "/Events/Details/1", "/Offers/Edit", "/Offers/Mine", "/Organisations/Details/1", "/Projects/Edit", "/Jobs/New", "/Tools/Circuit", "/Tools/Composer", "/Tools/Network", "/Learn/intro/01-qubits-and-gates", "/Admin/Review" })
        {
            var get = await session.Client.GetAsync(path);
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"{path}: {get.StatusCode} {get.Headers.Location}");
            string html = await get.Content.ReadAsStringAsync();
            foreach (Match form in PostForm().Matches(html))
            {
                string action = WebUtility.HtmlDecode(form.Groups["action"].Success ? form.Groups["action"].Value : path);
                actions.Add(action);
            }
        }

        Assert.True(actions.Count >= 15, string.Join(", ", actions));
        foreach (string action in actions)
        {
            // Signed in (the cookie is sent) but without the token: a cross-site form post.
            var response = await session.Client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["Name"] = "x" }));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{action}: {response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("\\\\evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task Redirects_StayOnTheHub(string target)
    {
        var session = factory.Session();
        var language = await session.Post("/", new() { ["culture"] = "en", ["returnUrl"] = target }, "/Language");
        Assert.Equal(HttpStatusCode.Redirect, language.StatusCode);
        Assert.Equal("/", language.Headers.Location!.OriginalString);

        var signIn = await session.Post("/Account/SignIn?ReturnUrl=" + Uri.EscapeDataString(target), new() { ["Email"] = factory.AdminEmail, ["Password"] = factory.AdminPassword });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public void TheFirstAdminsPassword_IsInAFileOnlyItsOwnerReads()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var hub = new HubFactory();
        string folder = Path.Combine(Path.GetTempPath(), $"vnq-admin-{Guid.NewGuid():N}", "App_Data");
        string file = Path.Combine(folder, "initial-admin.txt");
        hub.Settings["Hub:AdminPasswordFile"] = file;
        try
        {
            _ = hub.Server;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(VnQuantum.Kms.PrivateFile.OwnerOnlyFolder, File.GetUnixFileMode(folder));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static async Task AssertInert(HttpResponseMessage response)
    {
        string page = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {page[..Math.Min(page.Length, 400)]}");
        Assert.DoesNotContain("<script>alert", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg onload", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript:", page, StringComparison.OrdinalIgnoreCase);

        // And the payload did reach the page, as text.
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<[a-z][^>]*\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex("href=\"/People/Details/(\\d+)\"")]
    private static partial Regex PersonLink();

    [GeneratedRegex("<form[^>]*method=\"post\"(?:[^>]*action=\"(?<action>[^\"]+)\")?[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex PostForm();
}

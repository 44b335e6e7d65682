using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace VnQuantum.Hub.Tests;

/// <summary>Error statuses as pages of the hub in the visitor's language (issue 21, item 9), and the favicon.</summary>
public sealed partial class StatusPageTests(HubFactory factory) : IClassFixture<HubFactory>
{
    [Theory]
    [InlineData("", "Không tìm thấy trang", "Về trang chủ")]
    [InlineData("?culture=en", "Page not found", "Back to the home page")]
    public async Task AMissingRecord_IsANotFoundPage_InTheVisitorsLanguage(string query, string heading, string home)
    {
        var response = await factory.CreateClient().GetAsync("/Events/Details/987654" + query);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string page = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<h1>{heading}</h1>", page);
        Assert.Contains(home, page);
    }

    [Fact]
    public async Task AnUnknownAddress_SendsAStrangerToSignIn_AndShowsAMemberTheNotFoundPage()
    {
        // Private by default: a stranger cannot tell an unknown address from a members' page.
        var stranger = factory.Session();
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.Client.GetAsync("/no/such/page")).StatusCode);
        var member = factory.Session();
        await member.SignIn(factory.AdminEmail, factory.AdminPassword);
        var missing = await member.Client.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("<h1>Không tìm thấy trang</h1>", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARateLimit_IsAPage_ThatSaysAtWhatTimeInVietnamToTryAgain()
    {
        using var limited = new HubFactory { Settings = { ["Hub:Tools:RequestsPerMinute"] = "1" } };
        var client = limited.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Tools/Sensing?culture=en")).StatusCode);
        var refused = await client.GetAsync("/Tools/Sensing?culture=en");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
        string page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<h1>Too many requests</h1>", page);
        Assert.Contains("Try again after", page);
        Assert.Contains("(Vietnam time, UTC+7)", page);

        // The machine-readable time is a minute from now; the one shown is the same instant in Vietnam.
        var when = RetryTime().Match(page);
        Assert.True(when.Success, page);
        var at = DateTimeOffset.Parse(when.Groups["utc"].Value, CultureInfo.InvariantCulture);
        Assert.InRange((at - DateTimeOffset.UtcNow).TotalSeconds, 30, 61);
        Assert.StartsWith(at.ToOffset(TimeSpan.FromHours(7)).ToString("h:mm", new CultureInfo("en")), when.Groups["shown"].Value);
    }

    [Fact]
    public async Task TheFavicon_IsServed_AndEveryPageLinksIt()
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var icon = await client.GetAsync("/favicon.svg");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await icon.Content.ReadAsStringAsync());
        var legacy = await client.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.MovedPermanently, legacy.StatusCode);
        Assert.Equal("/favicon.svg", legacy.Headers.Location?.OriginalString);
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\" />", await client.GetStringAsync("/"));
    }

    [GeneratedRegex("<time datetime=\"(?<utc>[^\"]+)\">(?<shown>[^<]+)</time>")]
    private static partial Regex RetryTime();
}

using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VnQuantum.Hub.Tests;

/// <summary>
/// Private by default: every route of the hub, read from its endpoint table, is either on the list of public ones
/// below or needs a signed-in member. A new page is private until someone adds it here and marks it [AllowAnonymous].
/// </summary>
public sealed partial class RouteTableTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private static readonly string[] Public =
    [
        string.Empty, "Account/ConfirmEmail", "Account/Denied", "Account/ForgotPassword", "Account/ResetPassword", "Account/SignIn",
        "Account/SignInTwoFactor", "Account/SignOut", "Account/SignUp", "Error",
        "Events", "Events/Details/{id:int}", "Events/Index", "Events/calendar.ics", "Events/{id:int}.ics",
        "Index", "Jobs/Details/{id:long}", "Language", "Learn", "Learn/Index", "Learn/{course}", "Learn/{course}/{lesson}",
        "Offers", "Offers/Details/{id:int}", "Offers/Index", "Organisations", "Organisations/Details/{id:int}", "Organisations/Index",
        "People", "People/Details/{id:int}", "People/Index", "Projects", "Projects/Index", "Search", "Status/{code:int}", "favicon.ico",
        "Tools/Circuit", "Tools/Composer", "Tools/KeyRate", "Tools/Network", "Tools/Sensing",
    ];

    [Fact]
    public void EveryRoute_IsPublicOnlyIfListed()
    {
        var routes = Routes();
        var anonymous = routes.Where(r => r.Anonymous).Select(r => r.Pattern).Order(StringComparer.Ordinal).ToArray();
        Assert.True(Public.Order(StringComparer.Ordinal).SequenceEqual(anonymous), "public routes: " + string.Join(", ", anonymous));
        Assert.Contains(routes, r => r.Pattern == "Jobs/New" && !r.Anonymous);
        Assert.Contains(routes, r => r.Pattern == "Admin/Kms" && !r.Anonymous);
    }

    [Fact]
    public async Task EveryPrivatePage_SendsAnAnonymousVisitorToSignIn()
    {
        var client = factory.Session().Client;
        var privatePages = Routes().Where(r => !r.Anonymous).ToList();
        Assert.True(privatePages.Count >= 10, string.Join(", ", privatePages));
        foreach (var (pattern, _) in privatePages)
        {
            string path = "/" + IdParameter().Replace(pattern, "1");
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {response.StatusCode}");
            Assert.Equal("/Account/SignIn", response.Headers.Location!.AbsolutePath);
        }
    }

    // Private means "not marked anonymous": the fallback policy covers whatever has no authorisation data of its
    // own; the second test proves that by visiting each private route.
    private List<(string Pattern, bool Anonymous)> Routes() =>
        [.. factory.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<IAllowAnonymous>() is not null))];

    [System.Text.RegularExpressions.GeneratedRegex(@"\{id(:\w+)?\??\}")]
    private static partial System.Text.RegularExpressions.Regex IdParameter();
}

using System.Net;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Tests;

public sealed class PublicationsTests
{
    [Fact]
    public void DoisAndLinks_AreAccepted_AndTheFirstBadLineIsNamed()
    {
        var (links, bad) = Publications.Parse("10.1103/PhysRevLett.79.3865\n\ndoi:10.1038/nphys1958\nhttps://arxiv.org/abs/1201.3940");
        Assert.Null(bad);
        Assert.Equal(["https://doi.org/10.1103/PhysRevLett.79.3865", "https://doi.org/10.1038/nphys1958", "https://arxiv.org/abs/1201.3940"], links);
        Assert.Equal((2, "javascript:alert(1)"), Publications.Parse("10.1103/x\njavascript:alert(1)").Bad);
        Assert.Equal(1, Publications.Parse("Nature 2011").Bad!.Value.Line);
    }
}

public sealed class MembershipTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private const string Password = "gia nhập viện vật lý vinh";

    [Fact]
    public async Task Publications_AreCheckedAndLinked_AndJoiningAnOrganisationWaitsForItsAdmins()
    {
        var member = factory.Session();
        await member.SignUp("joiner@example.vn", "Tôn Thất Thuyết", Password);
        var bad = await member.Post("/Account/Manage/Profile", Form("10.1103/PhysRevLett.79.3865\nNature 2011", organisation: "0"));
        Assert.Contains("Dòng 2: «Nature 2011»", await bad.Content.ReadAsStringAsync());

        // Asking to join organisation 15 (Viện Vật lý Vinh): pending until one of its admins approves.
        string posted = await (await member.Post("/Account/Manage/Profile", Form("10.1103/PhysRevLett.79.3865", organisation: "15"))).Content.ReadAsStringAsync();
        Assert.Contains("Đã lưu", posted);
        string profile = await member.Get("/Account/Manage/Profile");
        Assert.Contains("Đang chờ Viện Vật lý Vinh chấp thuận", profile);
        int person = int.Parse(System.Text.RegularExpressions.Regex.Match(await (await member.Post("/Account/Manage/Profile", Form("10.1103/PhysRevLett.79.3865", organisation: "15"))).Content.ReadAsStringAsync(), "/People/Details/(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string page = await member.Get($"/People/Details/{person}");
        Assert.Contains("href=\"https://doi.org/10.1103/PhysRevLett.79.3865\"", page);
        Assert.DoesNotContain("Viện Vật lý Vinh", page);

        // Another member cannot approve; the organisation's admin can.
        var stranger = factory.Session();
        await stranger.SignUp("stranger@example.vn", "Hồ Xuân Hương", Password);
        var denied = await stranger.Post("/Organisations/Details/15", new(), $"/Organisations/Details/15?handler=Approve&person={person}");
        Assert.StartsWith("/Account/Denied", denied.Headers.Location!.AbsolutePath);

        var admin = factory.Session();
        await admin.SignIn(factory.AdminEmail, factory.AdminPassword);
        Assert.Contains("Tôn Thất Thuyết", await admin.Get("/Organisations/Details/15"));
        await admin.Post("/Organisations/Details/15", new(), $"/Organisations/Details/15?handler=Approve&person={person}");
        Assert.Contains("Viện Vật lý Vinh", await member.Get($"/People/Details/{person}"));
        Assert.DoesNotContain("Đang chờ", await member.Get("/Account/Manage/Profile"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Post("/Organisations/Details/15", new(), $"/Organisations/Details/15?handler=Approve&person={person}")).StatusCode);
    }

    private static Dictionary<string, string> Form(string publications, string organisation) => new()
    {
        ["Name"] = "Tôn Thất Thuyết",
        ["Country"] = "Việt Nam",
        ["Pillar"] = nameof(Pillar.Sensing),
        ["Public"] = "false",
        ["Publications"] = publications,
        ["OrganisationId"] = organisation,
    };
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Tests;

/// <summary>Organisation admins, and cooperation agreements from draft to signature with their audit trail.</summary>
public sealed class AgreementTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private const string Password = "thỏa thuận hợp tác hai bên";

    [Fact]
    public async Task OrganisationAdmins_AreNamedByANetworkAdmin_AndAloneEditTheirOrganisation()
    {
        var (admin, member) = (await SignedInAdmin(), factory.Session());
        await member.SignUp("org.member@example.vn", "Lâm Văn Phúc", Password);
        Assert.DoesNotContain("<h2 id=\"manage\">Quản trị</h2>", await member.Get("/Organisations/Details/3"));
        var denied = await member.Post("/Organisations/Details/3", new() { ["Offers"] = "chiếm quyền", ["Seeks"] = "x" }, "/Organisations/Details/3?handler=Edit");
        Assert.StartsWith("/Account/Denied", denied.Headers.Location!.AbsolutePath);

        await admin.Post("/Organisations/Details/3", new() { ["AdminEmail"] = "org.member@example.vn" }, "/Organisations/Details/3?handler=AddAdmin");
        Assert.Contains("<h2 id=\"manage\">Quản trị</h2>", await member.Get("/Organisations/Details/3"));
        await member.Post("/Organisations/Details/3", new() { ["Offers"] = "máy tính lượng tử quang tử", ["Seeks"] = "đối tác công nghiệp" }, "/Organisations/Details/3?handler=Edit");
        Assert.Contains("máy tính lượng tử quang tử", await factory.Session().Get("/Organisations/Details/3"));
        Assert.Contains("Details/3", await factory.Session().Get("/Search?q=may%20tinh%20luong%20tu%20quang%20tu"));
        Assert.Contains("Không có tài khoản", await (await member.Post("/Organisations/Details/3", new() { ["AdminEmail"] = "nobody@example.vn" }, "/Organisations/Details/3?handler=AddAdmin")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnAgreement_IsDrafted_Proposed_AndSigned_WithAnAuditTrail_SeenOnlyByTheParties()
    {
        var admin = await SignedInAdmin();
        var (a, b, outsider) = (factory.Session(), factory.Session(), factory.Session());
        await a.SignUp("party.a@example.vn", "Đoàn Thị Vy", Password);
        await b.SignUp("party.b@example.vn", "Kiều Minh Sơn", Password);
        await outsider.SignUp("outsider@example.vn", "Mạc Đăng Dung", Password);
        await admin.Post("/Organisations/Details/1", new() { ["AdminEmail"] = "party.a@example.vn" }, "/Organisations/Details/1?handler=AddAdmin");
        await admin.Post("/Organisations/Details/6", new() { ["AdminEmail"] = "party.b@example.vn" }, "/Organisations/Details/6?handler=AddAdmin");

        // Only an organisation's admin drafts; the draft is theirs to edit.
        Assert.Equal(HttpStatusCode.Redirect, (await outsider.Client.GetAsync("/Agreements/Edit")).StatusCode);
        var drafted = await a.Post("/Agreements/Edit", new() { ["ProposerId"] = "1", ["PartnerId"] = "6", ["Title"] = "Thử nghiệm QKD", ["Text"] = "Hai bên cùng thử nghiệm tuyến QKD." });
        int id = int.Parse(drafted.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        await a.Post($"/Agreements/Edit?id={id}", new() { ["Id"] = $"{id}", ["ProposerId"] = "1", ["PartnerId"] = "6", ["Title"] = "Thử nghiệm QKD", ["Text"] = "Hai bên cùng thử nghiệm tuyến QKD 40 km." });
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Client.GetAsync($"/Agreements/Details/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Client.GetAsync($"/Agreements/Edit?id={id}")).StatusCode);
        Assert.DoesNotContain("Thử nghiệm QKD", await outsider.Get("/Agreements"));
        Assert.Contains("Thử nghiệm QKD", await b.Get("/Agreements"));

        // The partner cannot propose; the proposer proposes, freezing the text under its hash.
        Assert.Contains("Không thể", await (await b.Post($"/Agreements/Details/{id}", new(), $"/Agreements/Details/{id}?handler=Propose")).Content.ReadAsStringAsync());
        await a.Post($"/Agreements/Details/{id}", new(), $"/Agreements/Details/{id}?handler=Propose");
        string hash = Pages.Agreements.DetailsModel.Hash("Hai bên cùng thử nghiệm tuyến QKD 40 km.");
        Assert.Contains(hash, await b.Get($"/Agreements/Details/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync($"/Agreements/Edit?id={id}")).StatusCode);

        // A signature over another text is refused; over the proposed one it signs.
        Assert.Contains("khác với bản đề xuất", await (await b.Post($"/Agreements/Details/{id}", new() { ["hash"] = new string('0', 64) }, $"/Agreements/Details/{id}?handler=Sign")).Content.ReadAsStringAsync());
        await b.Post($"/Agreements/Details/{id}", new() { ["hash"] = hash }, $"/Agreements/Details/{id}?handler=Sign");
        string signed = await a.Get($"/Agreements/Details/{id}");
        Assert.Contains("(UTC+7)</time>", signed);
        Assert.Contains("data-state=\"Signed\"", signed);
        Assert.Contains("Không thể", await (await a.Post($"/Agreements/Details/{id}", new(), $"/Agreements/Details/{id}?handler=Withdraw")).Content.ReadAsStringAsync());

        await using var scope = factory.Services.CreateAsyncScope();
        var trail = await scope.ServiceProvider.GetRequiredService<HubDbContext>().AgreementEntries.Where(e => e.AgreementId == id).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["drafted", "edited", "proposed and signed for Trung tâm Lượng tử Sông Hồng", "signed for Công ty Mật mã An Toàn"], trail.Select(e => e.Action));
        Assert.Equal(["party.a@example.vn", "party.a@example.vn", "party.a@example.vn", "party.b@example.vn"], trail.Select(e => e.UserEmail));
        Assert.Equal("SHA-256 " + hash, trail[^1].Detail);
    }

    [Fact]
    public async Task AProject_IsCreatedAndEditedByAPartnersAdmin_WithStatusAndOutputs()
    {
        var admin = await SignedInAdmin();
        var (lead, outsider) = (factory.Session(), factory.Session());
        await lead.SignUp("project.lead@example.vn", "Phạm Ngọc Thạch", Password);
        await outsider.SignUp("project.outsider@example.vn", "Nguyễn Trãi", Password);
        await admin.Post("/Organisations/Details/2", new() { ["AdminEmail"] = "project.lead@example.vn" }, "/Organisations/Details/2?handler=AddAdmin");

        var fields = new Dictionary<string, string> { ["Title"] = "Nguồn photon đơn Đà Nẵng", ["Summary"] = "Nguồn photon đơn cho QKD.", ["Pillar"] = nameof(Pillar.Communication), ["Status"] = "running", ["Outputs"] = "https://doi.org/10.1103/PhysRevLett.79.3865\nbáo cáo kỹ thuật" };
        var notMine = await lead.Post("/Projects/Edit", new(fields) { ["Partners"] = "17" });
        Assert.Contains("Chọn ít nhất một tổ chức bạn quản trị", await notMine.Content.ReadAsStringAsync());
        var made = await lead.Post("/Projects/Edit", new(fields) { ["Partners"] = "2" });
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);

        string list = await factory.Session().Get("/Projects");
        Assert.Contains("Nguồn photon đơn Đà Nẵng", list);
        Assert.Contains("href=\"https://doi.org/10.1103/PhysRevLett.79.3865\"", list);
        Assert.Contains("/Projects#project-", await factory.Session().Get("/Search?q=nguon%20photon%20don"));

        await using var scope = factory.Services.CreateAsyncScope();
        int id = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Projects.Where(p => p.Title == "Nguồn photon đơn Đà Nẵng").Select(p => p.Id).SingleAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await outsider.Client.GetAsync("/Projects/Edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Post("/Projects", new(fields) { ["Id"] = $"{id}", ["Partners"] = "2" }, "/Projects/Edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Client.GetAsync($"/Projects/Edit?id={id}")).StatusCode);
        await lead.Post($"/Projects/Edit?id={id}", new(fields) { ["Id"] = $"{id}", ["Status"] = "finished", ["Partners"] = "2" });
        Assert.Contains("đã xong", await factory.Session().Get("/Projects"));
    }

    private async Task<HubSession> SignedInAdmin()
    {
        var admin = factory.Session();
        await admin.SignIn(factory.AdminEmail, factory.AdminPassword);
        return admin;
    }
}

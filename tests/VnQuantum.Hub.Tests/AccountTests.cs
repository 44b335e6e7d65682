using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Tests;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("short one", "PasswordTooShort")]
    [InlineData("aaaaaaaaaaaaaaaaaa", "PasswordBlocked")]
    [InlineData("passwordpassword", "PasswordBlocked")]
    [InlineData("nguyen.van.an.2026!", "PasswordBlocked")]
    [InlineData("mười bốn ký tự", "PasswordTooShort")]
    public async Task WeakPasswords_AreRefused_WithTheReason(string password, string code)
    {
        var result = await new PasswordPolicy(TestText.Localizer).ValidateAsync(null!, new HubUser { Email = "nguyen.van.an@example.vn" }, password);
        Assert.False(result.Succeeded);
        Assert.Equal(code, Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData("cà phê sữa đá buổi sáng")]
    [InlineData("correct horse battery staple")]
    [InlineData("Hạ Long bay at dawn")]
    public async Task LongPassphrases_AreAccepted_WithoutCompositionRules(string password)
    {
        var result = await new PasswordPolicy(TestText.Localizer).ValidateAsync(null!, new HubUser { Email = "an@example.vn" }, password);
        Assert.True(result.Succeeded);
    }
}

/// <summary>Accounts, profiles and matchmaking over HTTP; <see cref="PostgresHubTests"/> runs the same on PostgreSQL.</summary>
public sealed class AccountAndOfferTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private const string Password = "cà phê sữa đá buổi sáng";

    [Fact]
    public async Task SignUp_RefusesAWeakPassword_ThenMakesAPrivateProfile_TheOwnerEdits()
    {
        var session = factory.Session();
        var weak = await session.SignUp("linh@example.vn", "Trần Thị Linh", "matkhau123");
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        string weakPage = await weak.Content.ReadAsStringAsync();
        Assert.True(weakPage.Contains("ít nhất 15 ký tự", StringComparison.Ordinal), weakPage[weakPage.IndexOf("<main", StringComparison.Ordinal)..]);

        var made = await session.SignUp("linh@example.vn", "Trần Thị Linh", Password);
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        Assert.StartsWith("/Account/Manage/Profile", made.Headers.Location!.OriginalString);
        string profile = await session.Get("/Account/Manage/Profile");
        Assert.Contains("Trần Thị Linh", profile);

        // A wrong ORCID check character is named; a right one is saved.
        var bad = await session.Post("/Account/Manage/Profile", ProfileForm("0000-0002-1825-0098", isPublic: false));
        Assert.Contains("Ký tự kiểm tra của 0000-0002-1825-0098 phải là 7, không phải 8", await bad.Content.ReadAsStringAsync());

        // An X typed where a digit belongs: the message names the X, it does not speak of a mistyped digit.
        var ex = await session.Post("/Account/Manage/Profile?culture=en", ProfileForm("0000-0002-1825-009X", isPublic: false), "/Account/Manage/Profile?culture=en");
        Assert.Contains("The check character of 0000-0002-1825-009X should be 7, not X: a character was mistyped.", System.Net.WebUtility.HtmlDecode(await ex.Content.ReadAsStringAsync()));
        var saved = await session.Post("/Account/Manage/Profile", ProfileForm("0000-0002-1825-0097", isPublic: false));
        Assert.Contains("Đã lưu", await saved.Content.ReadAsStringAsync());

        // Members-only: absent for the public (list, page, search), present for a signed-in member.
        int id = await PersonId("linh@example.vn");
        var anonymous = factory.Session();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Client.GetAsync($"/People/Details/{id}")).StatusCode);
        Assert.DoesNotContain("Trần Thị Linh", await anonymous.Get("/People"));
        Assert.DoesNotContain("Trần Thị Linh", await anonymous.Get("/Search?q=tran%20thi%20linh"));
        Assert.Contains("Trần Thị Linh", await session.Get($"/People/Details/{id}"));
        Assert.Contains("Trần Thị Linh", await session.Get("/Search?q=tran%20thi%20linh"));

        // Made public, everybody sees it.
        await session.Post("/Account/Manage/Profile", ProfileForm("0000-0002-1825-0097", isPublic: true));
        Assert.Contains("0000-0002-1825-0097", await anonymous.Get($"/People/Details/{id}"));
    }

    [Fact]
    public async Task TheSignUpPage_IsVietnameseByDefault_AndEnglishOnRequest_MessagesIncluded()
    {
        var session = factory.Session();
        string vi = await session.Get("/Account/SignUp");
        Assert.Contains("<h1>Đăng ký</h1>", vi);
        Assert.Contains(">Họ tên</label>", vi);
        Assert.Contains("Ít nhất 15 ký tự; một câu dễ nhớ là tốt nhất.", vi);
        Assert.DoesNotContain("Create account", vi);

        string en = await session.Get("/Account/SignUp?culture=en");
        Assert.Contains("<html lang=\"en\">", en);
        Assert.Contains("<h1>Sign up</h1>", en);
        Assert.Contains(">Name</label>", en);
        Assert.Contains(">Password</label>", en);
        Assert.Contains("At least 15 characters; a memorable sentence is best.", en);
        Assert.Contains(">Create account</button>", en);
        Assert.DoesNotContain("Họ tên", en);
        Assert.DoesNotContain("Tạo tài khoản", en);

        // Validation messages and the password policy's reasons follow the language too.
        var unnamed = await session.Post("/Account/SignUp?culture=en", new Dictionary<string, string> { ["Name"] = string.Empty, ["Email"] = "english@example.vn", ["Country"] = "Vietnam", ["Password"] = Password }, "/Account/SignUp?culture=en");
        Assert.Contains("Name is required", await unnamed.Content.ReadAsStringAsync());
        var unnamedVi = await session.Post("/Account/SignUp", new Dictionary<string, string> { ["Name"] = string.Empty, ["Email"] = "english@example.vn", ["Country"] = "Việt Nam", ["Password"] = Password });
        Assert.Contains("Cần tên", await unnamedVi.Content.ReadAsStringAsync());
        var weak = await session.Post("/Account/SignUp?culture=en", new Dictionary<string, string> { ["Name"] = "Emma Nguyen", ["Email"] = "english@example.vn", ["Country"] = "Vietnam", ["Password"] = "too short" }, "/Account/SignUp?culture=en");
        string weakPage = await weak.Content.ReadAsStringAsync();
        Assert.Contains("A password needs at least 15 characters", weakPage);
        Assert.DoesNotContain("ít nhất 15 ký tự", weakPage);

        // Every error is shown at its field and summarised at the top: an empty country once failed silently.
        var noCountry = await session.Post("/Account/SignUp", new Dictionary<string, string> { ["Name"] = "Lê Văn An", ["Email"] = "an@example.vn", ["Country"] = string.Empty, ["Password"] = "ngắn quá" });
        string noCountryPage = await noCountry.Content.ReadAsStringAsync();
        Assert.Matches("data-valmsg-for=\"Country\"[^>]*>Cần quốc gia</span>", noCountryPage);
        var summary = System.Text.RegularExpressions.Regex.Match(noCountryPage, "<div class=\"error validation-summary-errors\"[^>]*>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(summary.Success, "no validation summary at the top");
        Assert.Contains("Cần quốc gia", summary.Groups[1].Value);
        var shortPassword = await session.Post("/Account/SignUp?culture=en", new Dictionary<string, string> { ["Name"] = "Emma Nguyen", ["Email"] = "emma@example.vn", ["Country"] = "Vietnam", ["Password"] = "too short" }, "/Account/SignUp?culture=en");
        var shortSummary = System.Text.RegularExpressions.Regex.Match(await shortPassword.Content.ReadAsStringAsync(), "<div class=\"error validation-summary-errors\"[^>]*>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Contains("A password needs at least 15 characters", shortSummary.Groups[1].Value);
    }

    [Fact]
    public async Task PrivatePages_NeedSignIn_AndTheReviewQueueNeedsANetworkAdmin()
    {
        var anonymous = factory.Session();
        foreach (string page in new[] { "/Account/Manage/Profile", "/Offers/Mine", "/Offers/Edit", "/Jobs", "/Jobs/New", "/Agreements", "/Agreements/Edit", "/Projects/Edit", "/Admin/Review", "/Admin/Kms" })
        {
            var response = await anonymous.Client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/SignIn", response.Headers.Location!.AbsolutePath);
        }

        var member = factory.Session();
        await member.SignUp("member.only@example.vn", "Phạm Minh", Password);
        foreach (string page in new[] { "/Admin/Review", "/Admin/Kms", "/Agreements/Edit", "/Projects/Edit" })
        {
            var denied = await member.Client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
            Assert.StartsWith("/Account/Denied", denied.Headers.Location!.AbsolutePath);
        }

        // Sign-in refuses a wrong password and never redirects off the site.
        var wrong = await anonymous.Post("/Account/SignIn", new Dictionary<string, string> { ["Email"] = "member.only@example.vn", ["Password"] = "not the password at all" });
        Assert.Contains("không đúng", await wrong.Content.ReadAsStringAsync());
        var offsite = await anonymous.Post("/Account/SignIn?ReturnUrl=https://evil.example/", new Dictionary<string, string> { ["Email"] = "member.only@example.vn", ["Password"] = Password, ["ReturnUrl"] = "https://evil.example/" });
        Assert.Equal("/", offsite.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnOffer_IsReviewed_Published_Found_AndContactIsSharedOnlyAfterAcceptance()
    {
        var author = factory.Session();
        await author.SignUp("author@example.vn", "Lê Văn Hùng", Password);
        var posted = await author.Post("/Offers/Edit", new Dictionary<string, string>
        {
            ["Kind"] = nameof(OfferKind.PartnerWanted),
            ["Title"] = "Tìm đối tác thử nghiệm QKD tại Đà Nẵng",
            ["Description"] = "Tuyến cáp quang 40 km, cần nhóm có nguồn photon đơn.",
            ["Pillar"] = nameof(Pillar.Communication),
        }, "/Offers/Edit?handler=Submit");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        int id = await Db(db => db.Offers.Where(o => o.Title.StartsWith("Tìm đối tác thử nghiệm QKD")).Select(o => o.Id).SingleAsync());

        // Awaiting review: its author sees it; the public, another member and the search do not.
        Assert.Contains("chờ duyệt", await author.Get($"/Offers/Details/{id}"));
        var other = factory.Session();
        await other.SignUp("investor@example.vn", "Võ Thị Mai", Password);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/Offers/Details/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/Offers/Edit?id={id}")).StatusCode);
        Assert.DoesNotContain("thử nghiệm QKD tại Đà Nẵng", await other.Get("/Search?q=thu%20nghiem%20QKD"));

        // A network admin publishes it: listed, searchable without diacritics, live for 90 days.
        var admin = factory.Session();
        await admin.SignIn(factory.AdminEmail, factory.AdminPassword);
        Assert.Contains("Tìm đối tác thử nghiệm QKD", await admin.Get("/Admin/Review"));
        var published = await admin.Post("/Admin/Review", new Dictionary<string, string>(), $"/Admin/Review?handler=Publish&id={id}");
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Contains("thử nghiệm QKD tại Đà Nẵng", await other.Get("/Offers"));
        Assert.Contains("thử nghiệm QKD tại Đà Nẵng", await factory.Session().Get("/Search?q=thu%20nghiem%20Da%20Nang"));
        var expires = await Db(db => db.Offers.Where(o => o.Id == id).Select(o => o.ExpiresAt).SingleAsync());
        Assert.InRange((expires!.Value - DateTime.UtcNow).TotalDays, 89.9, 90.1);

        // Interest: the author's e-mail stays hidden until the author accepts.
        var interest = await other.Post($"/Offers/Details/{id}", new Dictionary<string, string> { ["Message"] = "Quỹ chúng tôi quan tâm." }, $"/Offers/Details/{id}?handler=Interest");
        Assert.Equal(HttpStatusCode.Redirect, interest.StatusCode);
        string waiting = await other.Get($"/Offers/Details/{id}");
        Assert.Contains("đang chờ", waiting);
        Assert.DoesNotContain("author@example.vn", waiting);
        string mine = await author.Get("/Offers/Mine");
        Assert.Contains("Quỹ chúng tôi quan tâm.", mine);
        Assert.DoesNotContain("investor@example.vn", mine);

        // Nobody but the author can accept.
        int interestId = await Db(db => db.Interests.Where(i => i.OfferId == id).Select(i => i.Id).SingleAsync());
        var hijack = await other.Post("/Offers/Mine", new Dictionary<string, string>(), $"/Offers/Mine?handler=Accept&id={interestId}");
        Assert.Equal(HttpStatusCode.NotFound, hijack.StatusCode);
        await author.Post("/Offers/Mine", new Dictionary<string, string>(), $"/Offers/Mine?handler=Accept&id={interestId}");
        Assert.Contains("author@example.vn", await other.Get($"/Offers/Details/{id}"));
        Assert.Contains("investor@example.vn", await author.Get("/Offers/Mine"));
    }

    [Fact]
    public async Task AnExpiredOffer_LeavesTheListAndSearch_UntilItsAuthorRenewsIt()
    {
        var author = factory.Session();
        await author.SignUp("renew@example.vn", "Đỗ Quốc Sơn", Password);
        string ownerId = await Db(db => db.Users.Where(u => u.Email == "renew@example.vn").Select(u => u.Id).SingleAsync());
        int id = await Db(async db =>
        {
            var offer = new Offer
            {
                Title = "Chào công nghệ từ kế NV Cần Thơ",
                Description = "Từ kế kim cương NV.",
                OwnerId = ownerId,
                Kind = OfferKind.TechnologyOffer,
                State = OfferState.Published,
                CreatedAt = DateTime.UtcNow.AddDays(-100),
                PublishedAt = DateTime.UtcNow.AddDays(-100),
                ExpiresAt = DateTime.UtcNow.AddDays(-10),
            };
            db.Offers.Add(offer);
            await db.SaveChangesAsync();
            await SearchIndex.UpdateAsync(db, offer);
            return offer.Id;
        });

        var reader = factory.Session();
        Assert.DoesNotContain("từ kế NV Cần Thơ", await reader.Get("/Offers"));
        Assert.DoesNotContain("từ kế NV Cần Thơ", await reader.Get("/Search?q=tu%20ke%20Can%20Tho"));
        Assert.Equal(HttpStatusCode.NotFound, (await reader.Client.GetAsync($"/Offers/Details/{id}")).StatusCode);

        await author.Post("/Offers/Mine", new Dictionary<string, string>(), $"/Offers/Mine?handler=Renew&id={id}");
        Assert.Contains("từ kế NV Cần Thơ", await reader.Get("/Offers"));
        Assert.Contains("từ kế NV Cần Thơ", await reader.Get("/Search?q=tu%20ke%20Can%20Tho"));
    }

    private static Dictionary<string, string> ProfileForm(string orcid, bool isPublic) => new()
    {
        ["Name"] = "Trần Thị Linh",
        ["Affiliation"] = "Viện Vật lý Vinh",
        ["Country"] = "Việt Nam",
        ["Expertise"] = "cold atoms, magnetometry",
        ["Pillar"] = nameof(Pillar.Sensing),
        ["Orcid"] = orcid,
        ["Biography"] = "Nghiên cứu nguyên tử lạnh.",
        ["Public"] = isPublic ? "true" : "false",
    };

    private Task<int> PersonId(string email) => Db(db => db.Users.Where(u => u.Email == email).Select(u => u.PersonId!.Value).SingleAsync());

    private async Task<T> Db<T>(Func<HubDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }
}

public sealed class HubDatabaseTests
{
    [Fact]
    public async Task AnOlderDatabase_IsRecreatedWhenItHoldsOnlySampleData_AndRefusedWhenItHoldsAccounts()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-hub-schema-{Guid.NewGuid():N}.db");
        string connection = $"Data Source={file}";
        try
        {
            await using (var db = HubDatabase.Open("sqlite", connection))
            {
                await MakePreMigrationDatabase(db, "older");
                SampleData.SeedIfEmpty(db);
                await HubDatabase.PrepareAsync(db, NullLogger.Instance);
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.Equal(60, await db.People.CountAsync());
            }

            await using (var db = HubDatabase.Open("sqlite", connection))
            {
                await db.Database.EnsureDeletedAsync();
                await MakePreMigrationDatabase(db, "older");
                db.Users.Add(new HubUser { UserName = "a@example.vn", Email = "a@example.vn" });
                await db.SaveChangesAsync();
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => HubDatabase.PrepareAsync(db, NullLogger.Instance));
                Assert.Contains("holds 1 accounts", refused.Message);
                Assert.Equal(1, await db.Users.CountAsync());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ADatabaseFromBeforeMigrations_WithTheFirstMigrationsSchema_IsAdopted_AndKeepsItsAccounts()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-hub-adopt-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = HubDatabase.Open("sqlite", $"Data Source={file}");
            await MakePreMigrationDatabase(db, HubDatabase.FirstMigrationSchema(db));
            db.Users.Add(new HubUser { UserName = "kept@example.vn", Email = "kept@example.vn" });
            await db.SaveChangesAsync();

            await HubDatabase.PrepareAsync(db, NullLogger.Instance);
            Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "kept@example.vn"));
            Assert.Contains(db.Database.GetMigrations().First(), await db.Database.GetAppliedMigrationsAsync());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(60, await db.People.CountAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    /// <summary>A database as the hub made it before migrations: the first migration's tables, no history, and the schema's fingerprint.</summary>
    private static async Task MakePreMigrationDatabase(HubDbContext db, string fingerprint)
    {
        await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
        await db.Database.ExecuteSqlRawAsync("DROP TABLE \"__EFMigrationsHistory\"");
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE hub_schema (fingerprint text NOT NULL)");
        await db.Database.ExecuteSqlAsync($"INSERT INTO hub_schema (fingerprint) VALUES ({fingerprint})");
    }
}

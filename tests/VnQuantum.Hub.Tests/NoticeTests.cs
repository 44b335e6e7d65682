using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Pages;

namespace VnQuantum.Hub.Tests;

/// <summary>Matchmaking that tells people: notices in the hub and by mail, "My posts", authors' names, Markdown, sample posts.</summary>
public sealed class NoticeTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private const string Password = "cà phê sữa đá buổi sáng";

    [Fact]
    public async Task ThePosterAndTheInterestedMember_AreToldInTheHub_AndByMailOnlyAtAConfirmedAddress()
    {
        const string authorEmail = "tac.gia@example.vn";
        const string readerEmail = "quan.tam@example.vn";
        var author = factory.Session();
        await author.SignUp(authorEmail, "Phạm Thu Trang", Password);
        Assert.Contains("đã được xác nhận", await factory.Session().Get(AccountSecurityTests.LinkIn(Assert.Single(factory.MailTo(authorEmail)))));
        string header = await author.Get("/");
        Assert.Contains("href=\"/Offers/Mine\"", header);
        Assert.Contains(">Thông báo</a>", header);
        Assert.Contains("Chưa có thông báo nào", await author.Get("/Notices"));

        var posted = await author.Post("/Offers/Edit", new Dictionary<string, string>
        {
            ["Kind"] = nameof(OfferKind.TechnologyOffer),
            ["Title"] = "Chào bộ sinh số ngẫu nhiên lượng tử",
            ["Description"] = "Bộ sinh **số ngẫu nhiên lượng tử** 1 Gb/s, xem [bảng thông số](https://example.vn/qrng).",
            ["Pillar"] = nameof(Pillar.Communication),
        }, "/Offers/Edit?handler=Submit");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        int id = await Db(db => db.Offers.Where(o => o.Title == "Chào bộ sinh số ngẫu nhiên lượng tử").Select(o => o.Id).SingleAsync());

        var admin = factory.Session();
        await admin.SignIn(factory.AdminEmail, factory.AdminPassword);
        await admin.Post("/Admin/Review", [], $"/Admin/Review?handler=Publish&id={id}");

        // The author is told in the header (one unread), on the notices page, and by mail in both languages.
        Assert.Contains("<span class=\"count\">1</span>", await author.Get("/Offers"));
        string notices = await author.Get("/Notices");
        Assert.Contains("Tin “Chào bộ sinh số ngẫu nhiên lượng tử” của bạn đã được đăng.", notices);
        Assert.Contains("(UTC+7)", notices);
        Assert.DoesNotContain("class=\"count\"", await author.Get("/Offers"));
        var published = Assert.Single(factory.MailTo(authorEmail), m => m.Subject!.Contains("Tin mới về bài đăng", StringComparison.Ordinal));
        Assert.Contains("News about your post", published.Subject);
        Assert.Contains("Your post “Chào bộ sinh số ngẫu nhiên lượng tử” was published.", published.TextBody);
        Assert.Contains("/Offers/Mine", published.TextBody);

        // Another member, signed in, sees the individual author's name and the Markdown rendered.
        var reader = factory.Session();
        await reader.SignUp(readerEmail, "Hoàng Minh Tuấn", Password);
        string post = await reader.Get($"/Offers/Details/{id}");
        Assert.Contains("Phạm Thu Trang", post);
        Assert.Contains("<strong>số ngẫu nhiên lượng tử</strong>", post);
        Assert.Contains("<a href=\"https://example.vn/qrng\" rel=\"nofollow ugc noopener\">bảng thông số</a>", post);
        Assert.DoesNotContain("Phạm Thu Trang", await factory.Session().Get($"/Offers/Details/{id}"));

        // Interest reaches the author; acceptance reaches the reader, whose unconfirmed address gets no mail.
        await reader.Post($"/Offers/Details/{id}", new Dictionary<string, string> { ["Message"] = "Ngân hàng chúng tôi muốn thử." }, $"/Offers/Details/{id}?handler=Interest");
        Assert.Contains("Có người quan tâm đến tin “Chào bộ sinh số ngẫu nhiên lượng tử” của bạn.", await author.Get("/Notices"));
        Assert.Single(factory.MailTo(authorEmail), m => m.TextBody!.Contains("Somebody is interested", StringComparison.Ordinal));
        int interestId = await Db(db => db.Interests.Where(i => i.OfferId == id).Select(i => i.Id).SingleAsync());
        await author.Post("/Offers/Mine", [], $"/Offers/Mine?handler=Accept&id={interestId}");
        string readerNotices = await reader.Get("/Notices");
        Assert.Contains("Lời quan tâm của bạn đến tin “Chào bộ sinh số ngẫu nhiên lượng tử” đã được chấp nhận", readerNotices);
        Assert.Contains($"href=\"/Offers/Details/{id}\"", readerNotices);
        Assert.Contains("khi địa chỉ của bạn đã được xác nhận", readerNotices);
        Assert.DoesNotContain(factory.MailTo(readerEmail), m => m.TextBody!.Contains("accepted", StringComparison.Ordinal));

        // Mail turned off: the next notice is in the hub only. One member never sees another's notices.
        await author.Post("/Notices", new Dictionary<string, string> { ["on"] = "false" }, "/Notices?handler=Mail");
        Assert.Contains("Thông báo chỉ hiện tại đây", await author.Get("/Notices"));
        int mailsBefore = factory.MailTo(authorEmail).Count;
        var second = factory.Session();
        await second.SignUp("thu.hai@example.vn", "Ngô Bảo Châu Sample", Password);
        await second.Post($"/Offers/Details/{id}", new Dictionary<string, string> { ["Message"] = "Cũng quan tâm." }, $"/Offers/Details/{id}?handler=Interest");
        Assert.Equal(2, await Db(db => db.Notices.CountAsync(n => n.OfferId == id && n.Kind == NoticeKind.InterestReceived)));
        Assert.Equal(mailsBefore, factory.MailTo(authorEmail).Count);
        Assert.Contains("Chưa có thông báo nào", await second.Get("/Notices"));
    }

    [Fact]
    public async Task ASentBackPost_TellsItsAuthorWithTheReason_OnMyPosts()
    {
        var author = factory.Session();
        await author.SignUp("tra.lai@example.vn", "Bùi Anh Đào", Password);
        await author.Post("/Offers/Edit", new Dictionary<string, string>
        {
            ["Kind"] = nameof(OfferKind.InvestmentSought),
            ["Title"] = "Gọi vốn cho đồng hồ nguyên tử mini",
            ["Description"] = "Cần vốn.",
            ["Pillar"] = nameof(Pillar.Sensing),
        }, "/Offers/Edit?handler=Submit");
        int id = await Db(db => db.Offers.Where(o => o.Title == "Gọi vốn cho đồng hồ nguyên tử mini").Select(o => o.Id).SingleAsync());
        var admin = factory.Session();
        await admin.SignIn(factory.AdminEmail, factory.AdminPassword);
        await admin.Post("/Admin/Review", new Dictionary<string, string> { ["Note"] = "Thiếu số liệu về độ ổn định." }, $"/Admin/Review?handler=Reject&id={id}");

        string notices = await author.Get("/Notices");
        Assert.Contains("Tin “Gọi vốn cho đồng hồ nguyên tử mini” của bạn đã bị người duyệt trả lại", notices);
        Assert.Contains("href=\"/Offers/Mine\"", notices);
        Assert.Contains("Thiếu số liệu về độ ổn định.", await author.Get("/Offers/Mine"));
    }

    [Fact]
    public async Task AFirstVisit_FindsSamplePosts()
    {
        string list = await factory.Session().Get("/Offers");
        Assert.Contains("SNSPD", list);

        // Pillars by their Vietnamese names, expiry as a Vietnamese date (dd/MM/yyyy), not ISO; English on request.
        Assert.Contains("Truyền thông lượng tử", list);
        Assert.DoesNotContain("· Communication ·", list);
        Assert.Matches(@"\d{2}/\d{2}/\d{4}", list);
        Assert.DoesNotMatch(@"hết hạn[^<]*\d{4}-\d{2}-\d{2}", list);
        Assert.Contains("· Communication ·", await factory.Session().Get("/Offers?culture=en"));
        Assert.True(await Db(db => db.Offers.CountAsync(o => o.OwnerId == SampleData.SampleOwner && o.State == OfferState.Published)) >= 4);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;")]
    [InlineData("[x](javascript:alert(1))", "<a href=\"#\"")]
    [InlineData("<javascript:alert(1)>", "<p>javascript:alert(1)</p>")]
    [InlineData("![pixel](https://tracker.example/p.gif)", "<a href=\"https://tracker.example/p.gif\" rel=\"nofollow ugc noopener\">pixel</a>")]
    [InlineData("[x](//evil.example/)", "<a href=\"#\"")]
    [InlineData("see https://vnquantum.vn now", "<a href=\"https://vnquantum.vn\" rel=\"nofollow ugc noopener\">https://vnquantum.vn</a>")]
    [InlineData("# Big", "<h3")]
    [InlineData("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;")]
    public void MembersMarkdown_IsRenderedSafely(string markdown, string expected)
    {
        string html = SafeMarkdown.ToHtml(markdown).ToString()!;
        Assert.Contains(expected, html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("href=\"javascript:", html);
    }

    private async Task<T> Db<T>(Func<HubDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }
}

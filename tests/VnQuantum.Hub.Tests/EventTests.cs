using System.Net;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Tests;

public sealed class EventTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private const string Password = "hội thảo lượng tử ở Quy Nhơn";

    [Fact]
    public async Task Events_AreListed_InVietnamTime_AndExportAsICalendarInUtc()
    {
        var session = factory.Session();
        string list = await session.Get("/Events");
        Assert.Contains("Trường hè lượng tử Quy Nhơn 2027", list);
        Assert.Contains("(UTC+7)", list);

        int id = await Db(db => db.Events.Where(e => e.Title.StartsWith("Trường hè")).Select(e => e.Id).SingleAsync());
        var response = await session.Client.GetAsync($"/Events/{id}.ics");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        string ics = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("BEGIN:VCALENDAR", ics);

        // Read back by the same library: 08:00 in Quy Nhơn on 12 July 2027 is 01:00 UTC.
        var calendar = Calendar.Load(ics)!;
        var e = Assert.Single(calendar.Events);
        Assert.Equal("Trường hè lượng tử Quy Nhơn 2027", e.Summary);
        Assert.Equal(new DateTime(2027, 7, 12, 1, 0, 0, DateTimeKind.Utc), e.DtStart!.AsUtc);
        Assert.Equal("Quy Nhơn", e.Location);
        Assert.Contains("DTSTART:20270712T010000Z", ics);
        Assert.Equal(3, Calendar.Load(await session.Client.GetStringAsync("/Events/calendar.ics"))!.Events.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await session.Client.GetAsync("/Events/999.ics")).StatusCode);
    }

    [Fact]
    public async Task Members_Register_UntilThePlacesRunOut_AndMayWithdraw()
    {
        int id = await Db(db => db.Events.Where(e => e.Title.StartsWith("Hội thảo QKD")).Select(e => e.Id).SingleAsync()); // 3 places
        var anonymous = factory.Session();
        var refused = await anonymous.Post($"/Events/Details/{id}", new(), $"/Events/Details/{id}?handler=Register");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/Account/SignIn", refused.Headers.Location!.AbsolutePath);

        var members = new List<HubSession>();
        for (int i = 0; i < 4; i++)
        {
            var member = factory.Session();
            await member.SignUp($"event{i}@example.vn", $"Thành viên {i}", Password);
            members.Add(member);
        }

        for (int i = 0; i < 3; i++)
        {
            await members[i].Post($"/Events/Details/{id}", new(), $"/Events/Details/{id}?handler=Register");
            Assert.Contains("Bạn đã đăng ký", await members[i].Get($"/Events/Details/{id}"));
        }

        Assert.Contains("Hết chỗ", await members[3].Get($"/Events/Details/{id}"));
        var full = await members[3].Post($"/Events/Details/{id}", new(), $"/Events/Details/{id}?handler=Register");
        Assert.Contains("Hết chỗ", await full.Content.ReadAsStringAsync());
        Assert.Equal(3, await Db(db => db.Registrations.CountAsync(r => r.EventId == id)));

        // Registering twice keeps one place; withdrawing frees it for the next member.
        await members[0].Post($"/Events/Details/{id}", new(), $"/Events/Details/{id}?handler=Register");
        Assert.Equal(3, await Db(db => db.Registrations.CountAsync(r => r.EventId == id)));
        await members[0].Post($"/Events/Details/{id}", new(), $"/Events/Details/{id}?handler=Withdraw");
        await members[3].Post($"/Events/Details/{id}", new(), $"/Events/Details/{id}?handler=Register");
        Assert.Contains("Bạn đã đăng ký", await members[3].Get($"/Events/Details/{id}"));
    }

    private async Task<T> Db<T>(Func<HubDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Notices;

/// <summary>
/// Tells a member what happened to their post or their interest: a notice in the hub always, and an e-mail when the
/// member's address is confirmed and they have not turned mail off. An unconfirmed address gets nothing, so that a
/// sign-up with somebody else's address cannot make the hub write to that person.
/// </summary>
public sealed class PostNotices(HubDbContext db, IHubMail mail, IStringLocalizer<SharedResource> text, IConfiguration configuration, ILogger<PostNotices> logger)
{
    /// <summary>The languages a mailed notice is written in, Vietnamese first: the hub does not know which one the reader prefers.</summary>
    private static readonly CultureInfo[] MailLanguages = [CultureInfo.GetCultureInfo("vi-VN"), CultureInfo.GetCultureInfo("en")];

    /// <summary>Records the notice for <paramref name="userId"/> and mails it; a mail server that fails is logged, and the notice stays.</summary>
    public async Task SendAsync(string userId, NoticeKind kind, Offer offer, HttpRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Email, u.EmailConfirmed }).SingleOrDefaultAsync(CancellationToken.None);
        if (user is null)
        {
            return; // A sample post has no account behind it.
        }

        // The event it tells of is already saved: a caller who goes away now must not cost the member the notice.
        db.Notices.Add(new Notice { UserId = userId, Kind = kind, OfferId = offer.Id, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(CancellationToken.None);
        if (!user.EmailConfirmed || user.Email is null || await db.NoticeMailOptOuts.AnyAsync(o => o.UserId == userId, cancel))
        {
            return;
        }

        string link = $"{HubMail.PublicBase(configuration, request)}{Target(kind, offer.Id)}";
        string subject = string.Join(" · ", MailLanguages.Select(c => In(c, () => text["notice.mail.subject"].Value)));
        string body = string.Join("\n\n—\n\n", MailLanguages.Select(c => In(c, () => $"{Describe(text, kind, offer.Title)}\n\n{link}")));
        try
        {
            await mail.SendAsync(user.Email, subject, body, cancel);
        }
        catch (Exception e) when (HubMail.IsDeliveryFailure(e))
        {
            logger.LogWarning("Could not mail a {Kind} notice to account {UserId}: {Error}", kind, userId, e.Message);
        }
    }

    /// <summary>The page a notice leads to: the author manages interest and reviews on "My posts"; the interested member reads the post.</summary>
    public static string Target(NoticeKind kind, int offerId) => kind == NoticeKind.InterestAccepted ? $"/Offers/Details/{offerId}" : "/Offers/Mine";

    /// <summary>One notice in the current UI language.</summary>
    public static string Describe(IStringLocalizer text, NoticeKind kind, string title)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[kind switch
        {
            NoticeKind.InterestReceived => "notice.interest",
            NoticeKind.PostPublished => "notice.published",
            NoticeKind.PostSentBack => "notice.sentback",
            _ => "notice.accepted",
        }, title];
    }

    private static string In(CultureInfo culture, Func<string> make)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            return make();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}

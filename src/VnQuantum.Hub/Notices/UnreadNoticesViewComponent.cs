using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Notices;

/// <summary>The header's link to the notices page, with the count of unread ones (one indexed count a page, signed-in members only).</summary>
public sealed class UnreadNoticesViewComponent(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text, HtmlEncoder encoder) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        string? me = users.GetUserId(UserClaimsPrincipal);
        int unread = me is null ? 0 : await db.Notices.CountAsync(n => n.UserId == me && n.ReadAt == null);
        string label = encoder.Encode(text["nav.notices"]);
        string html = unread == 0
            ? $"<a href=\"/Notices\">{label}</a>"
            : $"<a href=\"/Notices\">{label} <span class=\"count\">{unread}</span><span class=\"visually-hidden\"> {encoder.Encode(text["nav.notices.unread"])}</span></a>";
        return new HtmlContentViewComponentResult(new HtmlString(html));
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages;

/// <summary>
/// The member's notices, newest first (the last 100). Opening the page marks them read: the header's count is of
/// notices not yet seen here. The member may turn the e-mail copies off and on.
/// </summary>
public sealed class NoticesModel(UserManager<HubUser> users, HubDbContext db) : PageModel
{
    private const int Shown = 100;

    public IReadOnlyList<(Notice Notice, bool Unread)> Items { get; private set; } = [];

    public bool ByEmail { get; private set; }

    public bool EmailConfirmed { get; private set; }

    public async Task OnGetAsync()
    {
        string me = users.GetUserId(User)!;
        var notices = await db.Notices.Include(n => n.Offer).Where(n => n.UserId == me).OrderByDescending(n => n.Id).Take(Shown).ToListAsync();
        Items = [.. notices.Select(n => (n, n.ReadAt is null))];
        var now = DateTime.UtcNow;
        await db.Notices.Where(n => n.UserId == me && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now));
        ByEmail = !await db.NoticeMailOptOuts.AnyAsync(o => o.UserId == me);
        EmailConfirmed = await db.Users.Where(u => u.Id == me).Select(u => u.EmailConfirmed).SingleAsync();
    }

    public async Task<IActionResult> OnPostMailAsync(bool on)
    {
        string me = users.GetUserId(User)!;
        var existing = await db.NoticeMailOptOuts.FindAsync(me);
        if (on && existing is not null)
        {
            db.NoticeMailOptOuts.Remove(existing);
        }
        else if (!on && existing is null)
        {
            db.NoticeMailOptOuts.Add(new NoticeMailOptOut { UserId = me, Since = DateTime.UtcNow });
        }

        await db.SaveChangesAsync();
        return RedirectToPage();
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Events;

/// <summary>One event: members register (while places last) or withdraw.</summary>
[AllowAnonymous]
public sealed class DetailsModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    public HubEvent Event { get; private set; } = null!;

    public int Registered { get; private set; }

    public bool Mine { get; private set; }

    public string? Problem { get; private set; }

    public bool Full => Event.Capacity is { } capacity && Registered >= capacity;

    public async Task<IActionResult> OnGetAsync(int id) => await Load(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRegisterAsync(int id)
    {
        if (users.GetUserId(User) is not { } me)
        {
            return Challenge();
        }

        if (!await Load(id))
        {
            return NotFound();
        }

        if (Event.EndsAt < DateTime.UtcNow)
        {
            Problem = text["events.over"];
            return Page();
        }

        if (!Mine)
        {
            // The count and the insert in one transaction, so two last-place registrations cannot both succeed.
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
            int taken = await db.Registrations.CountAsync(r => r.EventId == id);
            if (Event.Capacity is { } capacity && taken >= capacity)
            {
                Problem = text["events.full"];
                return Page();
            }

            db.Registrations.Add(new Registration { EventId = id, UserId = me, At = DateTime.UtcNow });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostWithdrawAsync(int id)
    {
        if (users.GetUserId(User) is not { } me)
        {
            return Challenge();
        }

        await db.Registrations.Where(r => r.EventId == id && r.UserId == me).ExecuteDeleteAsync();
        return RedirectToPage(new { id });
    }

    private async Task<bool> Load(int id)
    {
        var e = await db.Events.AsNoTracking().Include(x => x.Organisation).FirstOrDefaultAsync(x => x.Id == id);
        if (e is null)
        {
            return false;
        }

        Event = e;
        Registered = await db.Registrations.CountAsync(r => r.EventId == id);
        string? me = users.GetUserId(User);
        Mine = me is not null && await db.Registrations.AnyAsync(r => r.EventId == id && r.UserId == me);
        return true;
    }
}

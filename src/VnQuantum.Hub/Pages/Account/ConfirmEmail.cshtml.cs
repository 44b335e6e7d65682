using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Account;

/// <summary>The link of the confirmation e-mail: the address is the member's once the token checks out.</summary>
[AllowAnonymous]
public sealed class ConfirmEmailModel(UserManager<HubUser> users) : PageModel
{
    public bool Confirmed { get; private set; }

    public async Task OnGetAsync(string? userId, string? token)
    {
        string? decoded = AccountMail.Decode(token);
        if (userId is { Length: > 0 and <= 100 } && decoded is not null && await users.FindByIdAsync(userId) is { } user)
        {
            Confirmed = (await users.ConfirmEmailAsync(user, decoded)).Succeeded;
        }
    }
}

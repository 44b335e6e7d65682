using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Tools;

namespace VnQuantum.Hub.Pages.Account;

/// <summary>
/// A reset link by e-mail. The answer is the same whether or not the address has an account, so the page does not
/// tell a stranger who is a member; requests are rate-limited per client, so it cannot be turned into a mail cannon.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(ToolLimits.PostPolicy)]
public sealed class ForgotPasswordModel(UserManager<HubUser> users, AccountMail mail) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "account.email.required")]
    [EmailAddress(ErrorMessage = "account.email.invalid")]
    public string Email { get; set; } = string.Empty;

    public bool Sent { get; private set; }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await users.FindByEmailAsync(Email.Trim()) is { } user)
        {
            await mail.SendResetAsync(user, Request, HttpContext.RequestAborted);
        }

        Sent = true;
        return Page();
    }
}

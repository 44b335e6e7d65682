using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Tools;

namespace VnQuantum.Hub.Pages.Account.Manage;

/// <summary>The account's security: its e-mail address confirmed or not (and the link sent again), the password changed, two-factor sign-in.</summary>
[EnableRateLimiting(ToolLimits.PostPolicy)] // each resend is an e-mail: bounded per member
public sealed class SecurityModel(UserManager<HubUser> users, SignInManager<HubUser> signIn, AccountMail mail, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "account.password.required")]
    [DataType(DataType.Password)]
    public string CurrentPassword { get; set; } = string.Empty;

    [BindProperty]
    [Required(ErrorMessage = "account.password.required")]
    [DataType(DataType.Password)]
    public string NewPassword { get; set; } = string.Empty;

    public string Email { get; private set; } = string.Empty;

    public bool EmailConfirmed { get; private set; }

    public bool TwoFactorEnabled { get; private set; }

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Describe(user);
        Done = done switch
        {
            "password" => text["security.password.changed"].Value,
            "sent" => text["security.confirm.sent"].Value,
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Describe(user);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var changed = await users.ChangePasswordAsync(user, CurrentPassword, NewPassword);
        if (!changed.Succeeded)
        {
            foreach (var error in changed.Errors)
            {
                ModelState.AddModelError(error.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? nameof(CurrentPassword) : nameof(NewPassword), error.Description);
            }

            return Page();
        }

        // The security stamp changed: other sessions of this account lose their sign-in; this one is renewed.
        await signIn.RefreshSignInAsync(user);
        return RedirectToPage(new { done = "password" });
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (!user.EmailConfirmed)
        {
            await mail.SendConfirmationAsync(user, Request, HttpContext.RequestAborted);
        }

        return RedirectToPage(new { done = "sent" });
    }

    private void Describe(HubUser user)
    {
        Email = user.Email ?? string.Empty;
        EmailConfirmed = user.EmailConfirmed;
        TwoFactorEnabled = user.TwoFactorEnabled;

        // The password fields are validated only by the handler that uses them.
        if (!string.Equals(Request.Query["handler"], "password", StringComparison.OrdinalIgnoreCase))
        {
            ModelState.Remove(nameof(CurrentPassword));
            ModelState.Remove(nameof(NewPassword));
        }
    }
}

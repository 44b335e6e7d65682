using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Tools;

namespace VnQuantum.Hub.Pages.Account;

/// <summary>A new password from the link the reset e-mail carried; the link works once (the reset renews the security stamp, which voids its token).</summary>
[AllowAnonymous]
[EnableRateLimiting(ToolLimits.PostPolicy)]
public sealed class ResetPasswordModel(UserManager<HubUser> users, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    [Required(ErrorMessage = "account.email.required")]
    public string Email { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    [Required(ErrorMessage = "reset.link.bad")]
    public string Token { get; set; } = string.Empty;

    [BindProperty]
    [Required(ErrorMessage = "account.password.required")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = string.Empty;

    public bool Done { get; private set; }

    public void OnGet() => ModelState.Clear();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // An unknown address and a bad token read alike: the page never says which accounts exist.
        var user = await users.FindByEmailAsync(Email.Trim());
        string? token = AccountMail.Decode(Token);
        if (user is null || token is null)
        {
            ModelState.AddModelError(string.Empty, text["reset.link.bad"]);
            return Page();
        }

        var reset = await users.ResetPasswordAsync(user, token, Password);
        if (!reset.Succeeded)
        {
            foreach (var error in reset.Errors)
            {
                ModelState.AddModelError(error.Code == nameof(IdentityErrorDescriber.InvalidToken) ? string.Empty : nameof(Password), error.Code == nameof(IdentityErrorDescriber.InvalidToken) ? text["reset.link.bad"] : error.Description);
            }

            return Page();
        }

        // A reset proves the address is the member's.
        if (!user.EmailConfirmed)
        {
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
        }

        await users.ResetAccessFailedCountAsync(user);
        Done = true;
        return Page();
    }
}

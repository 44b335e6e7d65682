using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Tools;

namespace VnQuantum.Hub.Pages.Account;

/// <summary>
/// The second step of signing in to an account with two-factor sign-in: a code from the authenticator app, or one of
/// the recovery codes (each works once). Only after a correct password (Identity's two-factor cookie); wrong codes
/// count towards the account's lockout like wrong passwords.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(ToolLimits.PostPolicy)] // code guesses per client, besides the account's lockout
public sealed class SignInTwoFactorModel(SignInManager<HubUser> signIn, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "twofactor.code.required")]
    [StringLength(20, ErrorMessage = "twofactor.code.bad")]
    public string Code { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/SignIn") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return RedirectToPage("/Account/SignIn");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        string code = Code.Replace(" ", string.Empty, StringComparison.Ordinal);
        // Six digits are the app's code; anything else is tried as a recovery code.
        var result = code.Length == 6 && code.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }

        ModelState.AddModelError(nameof(Code), result.IsLockedOut ? text["signin.locked"] : text["twofactor.code.wrong"]);
        return Page();
    }
}

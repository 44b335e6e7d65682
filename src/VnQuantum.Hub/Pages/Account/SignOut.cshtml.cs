using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Account;

/// <summary>Signing out is a POST with the antiforgery token, so another site cannot sign a member out.</summary>
[AllowAnonymous]
public sealed class SignOutModel(SignInManager<HubUser> signIn) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return RedirectToPage("/Index");
    }
}

using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Account;

public sealed class SignInModel(SignInManager<HubUser> signIn) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Cần e-mail / E-mail is required")]
    public string Email { get; set; } = string.Empty;

    [BindProperty]
    [Required(ErrorMessage = "Cần mật khẩu / Password is required")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            // Only a path of this site: an open redirect would hand the session to anybody's page.
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }

        ModelState.AddModelError(string.Empty, result.IsLockedOut
            ? "Tài khoản tạm khóa sau nhiều lần sai; thử lại sau 5 phút / Locked for 5 minutes after repeated failures."
            : "E-mail hoặc mật khẩu không đúng / Wrong e-mail or password.");
        return Page();
    }
}

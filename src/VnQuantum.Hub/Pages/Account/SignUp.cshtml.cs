using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Account;

/// <summary>A new account with its profile; the profile starts visible to signed-in members only.</summary>
[AllowAnonymous]
public sealed class SignUpModel(UserManager<HubUser> users, SignInManager<HubUser> signIn, HubDbContext db, AccountMail mail) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "account.name.required")]
    [StringLength(120)]
    public string Name { get; set; } = string.Empty;

    [BindProperty]
    [Required(ErrorMessage = "account.email.required")]
    [EmailAddress(ErrorMessage = "account.email.invalid")]
    public string Email { get; set; } = string.Empty;

    [BindProperty]
    [Required(ErrorMessage = "account.country.required")]
    [StringLength(60, ErrorMessage = "account.country.long")]
    public string Country { get; set; } = "Việt Nam";

    [BindProperty]
    [Required(ErrorMessage = "account.password.required")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = string.Empty;

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = new HubUser { UserName = Email.Trim(), Email = Email.Trim() };
        var person = new Person { Name = Name.Trim().Normalize(), Country = Country.Trim().Normalize(), Public = false };
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.People.Add(person);
        await db.SaveChangesAsync();
        user.PersonId = person.Id;
        var created = await users.CreateAsync(user, Password);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError(error.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(Password) : nameof(Email), error.Description);
            }

            return Page();
        }

        await transaction.CommitAsync();
        await SearchIndex.UpdateAsync(db, person);
        await signIn.SignInAsync(user, isPersistent: false);

        // The account works at once; the link confirms that the address is the member's (Account/Manage/Security).
        await mail.SendConfirmationAsync(user, Request, HttpContext.RequestAborted);
        return RedirectToPage("/Account/Manage/Profile", new { welcome = true });
    }
}

using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Account.Manage;

/// <summary>The signed-in member's own profile: only its owner can change it.</summary>
public sealed class ProfileModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    [Required]
    [StringLength(120)]
    public string Name { get; set; } = string.Empty;

    [BindProperty]
    [StringLength(160)]
    public string? Affiliation { get; set; }

    [BindProperty]
    [Required]
    [StringLength(60)]
    public string Country { get; set; } = string.Empty;

    [BindProperty]
    [StringLength(300)]
    public string? Expertise { get; set; }

    [BindProperty]
    public Pillar Pillar { get; set; }

    [BindProperty]
    public string? Orcid { get; set; }

    [BindProperty]
    [StringLength(2000)]
    public string? Biography { get; set; }

    [BindProperty]
    public bool Public { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Welcome { get; set; }

    public bool Saved { get; private set; }

    public int PersonId { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var person = await OwnProfile();
        Name = person.Name;
        Affiliation = person.Affiliation;
        Country = person.Country;
        Expertise = person.Expertise;
        Pillar = person.Pillar;
        Orcid = person.Orcid;
        Biography = person.Biography;
        Public = person.Public;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Welcome = false;
        var person = await OwnProfile();
        string? orcid = null;
        if (!string.IsNullOrWhiteSpace(Orcid))
        {
            orcid = Data.Orcid.Normalise(Orcid, out string? problem);
            if (orcid is null)
            {
                ModelState.AddModelError(nameof(Orcid), problem!);
            }
            else if (await db.People.AnyAsync(p => p.Orcid == orcid && p.Id != person.Id))
            {
                ModelState.AddModelError(nameof(Orcid), text["profile.orcid.taken"]);
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        person.Name = Name.Trim().Normalize();
        person.Affiliation = Affiliation?.Trim().Normalize();
        person.Country = Country.Trim().Normalize();
        person.Expertise = Expertise?.Trim().Normalize() ?? string.Empty;
        person.Pillar = Pillar;
        person.Orcid = orcid;
        person.Biography = Biography?.Trim().Normalize();
        person.Public = Public;
        await db.SaveChangesAsync();
        await SearchIndex.UpdateAsync(db, person);
        Saved = true;
        return Page();
    }

    private async Task<Person> OwnProfile()
    {
        string id = users.GetUserId(User)!;
        var user = await db.Users.Include(u => u.Person).SingleAsync(u => u.Id == id);
        if (user.Person is null)
        {
            // Accounts made without a profile (the first admin) get one on first visit.
            user.Person = new Person { Name = user.Email ?? "member", Country = "Việt Nam", Public = false };
            await db.SaveChangesAsync();
        }

        PersonId = user.Person.Id;
        return user.Person;
    }
}

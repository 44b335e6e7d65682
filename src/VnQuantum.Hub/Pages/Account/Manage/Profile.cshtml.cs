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

    [BindProperty]
    [StringLength(8000)]
    public string? Publications { get; set; }

    /// <summary>The organisation the member belongs to, or asks to join (0: none).</summary>
    [BindProperty]
    public int OrganisationId { get; set; }

    public IReadOnlyList<Organisation> AllOrganisations { get; private set; } = [];

    /// <summary>The organisation a request to join is waiting on, if any.</summary>
    public string? PendingOrganisation { get; private set; }

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
        Publications = person.Publications;
        OrganisationId = person.OrganisationId ?? 0;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Welcome = false;
        var person = await OwnProfile();
        string? orcid = null;
        if (!string.IsNullOrWhiteSpace(Orcid))
        {
            orcid = Data.Orcid.Normalise(Orcid, out var error, out char expected);
            if (orcid is null)
            {
                // The check character can be X, so the message names the character typed and the one expected
                // rather than blaming a "digit".
                ModelState.AddModelError(nameof(Orcid), error == Data.OrcidError.Shape
                    ? text["profile.orcid.shape"]
                    : text["profile.orcid.check", Orcid.Trim(), expected, Data.Orcid.Last(Orcid)]);
            }
            else if (await db.People.AnyAsync(p => p.Orcid == orcid && p.Id != person.Id))
            {
                ModelState.AddModelError(nameof(Orcid), text["profile.orcid.taken"]);
            }
        }

        var (links, bad) = Data.Publications.Parse(Publications);
        if (bad is { } line)
        {
            ModelState.AddModelError(nameof(Publications), text["profile.publications.bad", line.Line, line.Text]);
        }
        else if (links.Count > Data.Publications.Max)
        {
            ModelState.AddModelError(nameof(Publications), text["profile.publications.many", Data.Publications.Max]);
        }

        if (OrganisationId != 0 && !AllOrganisations.Any(o => o.Id == OrganisationId))
        {
            OrganisationId = person.OrganisationId ?? 0;
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        // Leaving takes effect at once; joining waits for the organisation's admins.
        await db.MembershipRequests.Where(r => r.PersonId == person.Id).ExecuteDeleteAsync();
        if (OrganisationId == 0)
        {
            person.OrganisationId = null;
        }
        else if (OrganisationId != person.OrganisationId)
        {
            db.MembershipRequests.Add(new MembershipRequest { PersonId = person.Id, OrganisationId = OrganisationId, At = DateTime.UtcNow });
        }

        person.Publications = string.Join('\n', (Publications ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
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
        AllOrganisations = await db.Organisations.AsNoTracking().OrderBy(o => o.Name).ToListAsync();
        PendingOrganisation = await db.MembershipRequests.Where(r => r.PersonId == user.Person.Id)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (_, o) => o.Name).FirstOrDefaultAsync();
        return user.Person;
    }
}

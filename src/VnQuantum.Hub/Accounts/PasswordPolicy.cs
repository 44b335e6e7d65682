using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Accounts;

/// <summary>
/// Passwords as NIST SP 800-63B-4 (2025) asks of a single-factor password: at least 15 characters, up to at least 64,
/// any characters (spaces and Vietnamese included), no composition rules, and refused when found on a blocklist of
/// common or context-specific passwords (the account's e-mail, the site's name, one repeated character). The reasons are
/// in the reader's language (Resources/SharedResource.*.resx).
/// </summary>
public sealed class PasswordPolicy(IStringLocalizer<SharedResource> text) : IPasswordValidator<HubUser>
{
    public const int MinimumLength = 15;

    public const int MaximumLength = 128;

    // The commonest passwords of at least 15 characters in public breach corpora, and the site's own words.
    private static readonly HashSet<string> Blocklist = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012345", "1234567890123456", "12345678901234567890", "qwertyuiopasdfgh", "qwertyuiopasdfghjkl",
        "1q2w3e4r5t6y7u8i", "passwordpassword", "password12345678", "iloveyouiloveyou", "abcdefghijklmnop",
        "abcdefghijklmnopqrstuvwxyz", "qwertyqwertyqwerty", "asdfghjklasdfghjkl", "zxcvbnmzxcvbnm123", "matkhaumatkhau123",
        "vnquantumvnquantum", "vnquantum12345678", "quantumquantum123", "administrator123", "letmeinletmein123",
    };

    public Task<IdentityResult> ValidateAsync(UserManager<HubUser> manager, HubUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        password ??= string.Empty;
        var problems = new List<IdentityError>();
        int length = new System.Globalization.StringInfo(password.Normalize(System.Text.NormalizationForm.FormC)).LengthInTextElements;
        if (length < MinimumLength)
        {
            problems.Add(new IdentityError { Code = "PasswordTooShort", Description = text["password.short", MinimumLength] });
        }
        else if (length > MaximumLength)
        {
            problems.Add(new IdentityError { Code = "PasswordTooLong", Description = text["password.long", MaximumLength] });
        }
        else if (Blocklist.Contains(password) || password.Distinct().Count() == 1
            || (user.Email is { Length: > 0 } email && password.Contains(email.Split('@')[0], StringComparison.OrdinalIgnoreCase) && email.Split('@')[0].Length >= 4))
        {
            problems.Add(new IdentityError { Code = "PasswordBlocked", Description = text["password.blocked"] });
        }

        return Task.FromResult(problems.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. problems]));
    }
}

using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Accounts;

/// <summary>
/// The account messages: a link that confirms an address, and a link that resets a password. Links carry Identity's
/// tokens (single use: a reset changes the security stamp) and point at Hub:PublicUrl when it is set, so that a
/// forged Host header cannot make the hub mail somebody a link to another site. One address gets at most one message
/// of a kind a minute (on this node), whoever asks: the per-client rate limit alone would let a stranger fill a
/// member's mailbox from many addresses.
/// </summary>
public sealed class AccountMail(UserManager<HubUser> users, IHubMail mail, IStringLocalizer<SharedResource> text, IConfiguration configuration, IMemoryCache recent)
{
    private static readonly TimeSpan Spacing = TimeSpan.FromMinutes(1);

    // The check and the mark are one step, so two requests at once cannot both send.
    private static readonly Lock Gate = new();

    public async Task SendConfirmationAsync(HubUser user, HttpRequest request, CancellationToken cancel)
    {
        if (!FirstInAMinute("confirm", user))
        {
            return;
        }

        string token = Encode(await users.GenerateEmailConfirmationTokenAsync(user));
        string link = $"{Base(request)}/Account/ConfirmEmail?userId={Uri.EscapeDataString(user.Id)}&token={token}";
        await mail.SendAsync(user.Email!, text["mail.confirm.subject"], text["mail.confirm.body", link], cancel);
    }

    public async Task SendResetAsync(HubUser user, HttpRequest request, CancellationToken cancel)
    {
        if (!FirstInAMinute("reset", user))
        {
            return;
        }

        string token = Encode(await users.GeneratePasswordResetTokenAsync(user));
        string link = $"{Base(request)}/Account/ResetPassword?email={Uri.EscapeDataString(user.Email!)}&token={token}";
        await mail.SendAsync(user.Email!, text["mail.reset.subject"], text["mail.reset.body", link], cancel);
    }

    /// <summary>A token from a link back as Identity made it; null when it was not ours to begin with.</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private bool FirstInAMinute(string kind, HubUser user)
    {
        string key = $"account-mail:{kind}:{user.Id}";
        lock (Gate)
        {
            if (recent.TryGetValue(key, out _))
            {
                return false;
            }

            recent.Set(key, true, Spacing);
            return true;
        }
    }

    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    private string Base(HttpRequest request) =>
        configuration["Hub:PublicUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : $"{request.Scheme}://{request.Host}";
}

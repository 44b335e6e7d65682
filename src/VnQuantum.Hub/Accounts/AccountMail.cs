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
public sealed class AccountMail(UserManager<HubUser> users, IHubMail mail, IStringLocalizer<SharedResource> text, IConfiguration configuration, IMemoryCache recent, ILogger<AccountMail> logger)
{
    private static readonly TimeSpan Spacing = TimeSpan.FromMinutes(1);

    // The check and the mark are one step, so two requests at once cannot both send.
    private static readonly Lock Gate = new();

    public Task SendConfirmationAsync(HubUser user, HttpRequest request, CancellationToken cancel) =>
        SendLinkAsync("confirm", user, cancel, async () =>
            $"{Base(request)}/Account/ConfirmEmail?userId={Uri.EscapeDataString(user.Id)}&token={Encode(await users.GenerateEmailConfirmationTokenAsync(user))}");

    public Task SendResetAsync(HubUser user, HttpRequest request, CancellationToken cancel) =>
        SendLinkAsync("reset", user, cancel, async () =>
            $"{Base(request)}/Account/ResetPassword?email={Uri.EscapeDataString(user.Email!)}&token={Encode(await users.GeneratePasswordResetTokenAsync(user))}");

    /// <summary>
    /// One message of <paramref name="kind"/> with its link, unless the address had one in the last minute. A mail
    /// server that is down or refuses is logged (never the link: it is a credential) and the page answers as if it
    /// had gone, so a sign-up still succeeds and a reset request still says nothing about who is a member.
    /// </summary>
    private async Task SendLinkAsync(string kind, HubUser user, CancellationToken cancel, Func<Task<string>> link)
    {
        if (!FirstInAMinute(kind, user))
        {
            return;
        }

        try
        {
            await mail.SendAsync(user.Email!, text[$"mail.{kind}.subject"], text[$"mail.{kind}.body", await link()], cancel);
        }
        catch (Exception e) when (HubMail.IsDeliveryFailure(e))
        {
            logger.LogWarning("Could not send the {Kind} e-mail of account {UserId}: {Error}", kind, user.Id, e.Message);
        }
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

    private string Base(HttpRequest request) => HubMail.PublicBase(configuration, request);
}

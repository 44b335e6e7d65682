using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using QRCoder;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Tools;

namespace VnQuantum.Hub.Pages.Account.Manage;

/// <summary>
/// Two-factor sign-in with an authenticator app (RFC 6238 codes, Identity's authenticator provider): the shared key
/// as text and as a QR code, turned on only after the app's first code checks out, ten single-use recovery codes
/// shown once, and turning it off again (which also forgets the key).
/// </summary>
[EnableRateLimiting(ToolLimits.PostPolicy)] // guessing codes is bounded per member as well as by lockout
public sealed class TwoFactorModel(UserManager<HubUser> users, SignInManager<HubUser> signIn, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "twofactor.code.required")]
    [StringLength(7, MinimumLength = 6, ErrorMessage = "twofactor.code.bad")]
    public string Code { get; set; } = string.Empty;

    public bool Enabled { get; private set; }

    /// <summary>The key in groups of four, as a person types it into an app.</summary>
    public string SharedKey { get; private set; } = string.Empty;

    /// <summary>The otpauth:// address as an SVG QR code (our own markup: squares only, no text from the user).</summary>
    public string QrSvg { get; private set; } = string.Empty;

    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public int RecoveryCodesLeft { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        ModelState.Clear();
        await DescribeAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (ModelState.IsValid)
        {
            string code = Code.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
            if (await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await users.SetTwoFactorEnabledAsync(user, true);
                RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10) ?? []];
                await signIn.RefreshSignInAsync(user);
            }
            else
            {
                ModelState.AddModelError(nameof(Code), text["twofactor.code.wrong"]);
            }
        }

        await DescribeAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        ModelState.Clear();
        if (user.TwoFactorEnabled)
        {
            RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10) ?? []];
        }

        await DescribeAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        ModelState.Clear();
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user); // a key that was once shown is not reused
        await signIn.RefreshSignInAsync(user);
        await DescribeAsync(user);
        return Page();
    }

    private async Task DescribeAsync(HubUser user)
    {
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        RecoveryCodesLeft = Enabled ? await users.CountRecoveryCodesAsync(user) : 0;
        if (Enabled)
        {
            return;
        }

        string? key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        SharedKey = string.Join(' ', key!.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
        string uri = $"otpauth://totp/{Uri.EscapeDataString("VnQuantum:" + user.Email)}?secret={key}&issuer=VnQuantum&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        QrSvg = new SvgQRCode(data).GetGraphic(4);
    }
}

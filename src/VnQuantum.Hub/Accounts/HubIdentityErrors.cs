using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace VnQuantum.Hub.Accounts;

/// <summary>
/// Identity's messages in the reader's language, for the errors a member can meet on the hub's pages (a taken
/// address, a wrong current password, a used or forged link); Identity's own are English only.
/// </summary>
public sealed class HubIdentityErrors(IStringLocalizer<SharedResource> text) : IdentityErrorDescriber
{
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), text["identity.duplicate", email]);

    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), text["identity.duplicate", userName]);

    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), text["account.email.invalid"]);

    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), text["account.email.invalid"]);

    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), text["identity.mismatch"]);

    public override IdentityError InvalidToken() => Error(nameof(InvalidToken), text["reset.link.bad"]);

    public override IdentityError RecoveryCodeRedemptionFailed() => Error(nameof(RecoveryCodeRedemptionFailed), text["twofactor.code.wrong"]);

    public override IdentityError DefaultError() => Error(nameof(DefaultError), text["error.text"]);

    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), text["error.text"]);

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}

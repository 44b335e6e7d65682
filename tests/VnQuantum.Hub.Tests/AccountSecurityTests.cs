using System.Net;
using System.Text.RegularExpressions;
using OtpNet;

namespace VnQuantum.Hub.Tests;

/// <summary>
/// Accounts people can manage (issue 21, item 2): changing the password, resetting it by e-mail, confirming the
/// address, and two-factor sign-in with an authenticator app, whose codes here come from Otp.NET, an RFC 6238
/// implementation independent of Identity's. The e-mail is read from the hub's pickup directory.
/// </summary>
public sealed partial class AccountSecurityTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private const string Password = "một mật khẩu đủ dài cho hub";
    private const string NewPassword = "một mật khẩu mới cũng đủ dài";

    private async Task<HubSession> Member(string email)
    {
        var session = factory.Session();
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignUp(email, "Đỗ Thị Hạnh", Password)).StatusCode);
        return session;
    }

    internal static string LinkIn(MimeKit.MimeMessage message)
    {
        var link = Link().Match(message.TextBody ?? string.Empty);
        Assert.True(link.Success, message.TextBody);
        return new Uri(link.Value).PathAndQuery;
    }

    private async Task<HttpStatusCode> SignInStatus(HubSession session, string email, string password)
    {
        var response = await session.Post("/Account/SignIn", new() { ["Email"] = email, ["Password"] = password });
        return response.StatusCode;
    }

    [Fact]
    public async Task ChangingThePassword_NeedsTheCurrentOne_AndTheOldOneStopsWorking()
    {
        const string email = "doi.matkhau@example.vn";
        var member = await Member(email);
        var wrong = await member.Post("/Account/Manage/Security", new() { ["CurrentPassword"] = "không phải mật khẩu này", ["NewPassword"] = NewPassword }, "/Account/Manage/Security?handler=password");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Mật khẩu hiện tại không đúng.", await wrong.Content.ReadAsStringAsync());

        var weak = await member.Post("/Account/Manage/Security", new() { ["CurrentPassword"] = Password, ["NewPassword"] = "ngắn" }, "/Account/Manage/Security?handler=password");
        Assert.Contains("Mật khẩu cần ít nhất 15 ký tự", await weak.Content.ReadAsStringAsync()); // the policy's own message

        var changed = await member.Post("/Account/Manage/Security", new() { ["CurrentPassword"] = Password, ["NewPassword"] = NewPassword }, "/Account/Manage/Security?handler=password");
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("Đã đổi mật khẩu", await member.Get(changed.Headers.Location!.OriginalString));

        Assert.Equal(HttpStatusCode.OK, await SignInStatus(factory.Session(), email, Password)); // the form again, with its error
        Assert.Equal(HttpStatusCode.Redirect, await SignInStatus(factory.Session(), email, NewPassword));
    }

    [Fact]
    public async Task APasswordReset_ArrivesByEmail_WorksOnce_AndSaysNothingAboutUnknownAddresses()
    {
        const string email = "quen.matkhau@example.vn";
        _ = await Member(email);
        var stranger = factory.Session();
        var asked = await stranger.Post("/Account/ForgotPassword?culture=en", new() { ["Email"] = email }, "/Account/ForgotPassword?culture=en");
        string answer = await asked.Content.ReadAsStringAsync();
        Assert.Contains("If this address has an account, a password reset link has been sent to it.", answer);
        var unknown = await stranger.Post("/Account/ForgotPassword?culture=en", new() { ["Email"] = "ai.do@example.vn" }, "/Account/ForgotPassword?culture=en");
        Assert.Contains("If this address has an account, a password reset link has been sent to it.", await unknown.Content.ReadAsStringAsync());
        Assert.Empty(factory.MailTo("ai.do@example.vn"));

        // Asked again at once, from another client: the page answers alike, and the mailbox gets nothing more.
        var twice = await factory.Session().Post("/Account/ForgotPassword", new() { ["Email"] = email });
        Assert.Contains("Nếu địa chỉ này có tài khoản", await twice.Content.ReadAsStringAsync());

        var mail = Assert.Single(factory.MailTo(email), m => m.Subject == "Reset your VnQuantum password");
        string link = LinkIn(mail);
        Assert.DoesNotContain(Password, mail.TextBody ?? string.Empty, StringComparison.Ordinal);

        // A forged token and the real one.
        var forged = await stranger.Post(link, new() { ["Email"] = email, ["Token"] = "AAAA", ["Password"] = NewPassword }, "/Account/ResetPassword");
        Assert.Contains("Đường dẫn không hợp lệ", await forged.Content.ReadAsStringAsync());
        string form = await stranger.Get(link);
        string token = HiddenToken().Match(form).Groups[1].Value;
        var reset = await stranger.Post(link, new() { ["Email"] = email, ["Token"] = token, ["Password"] = NewPassword }, "/Account/ResetPassword");
        Assert.Contains("Đã đặt mật khẩu mới.", await reset.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, await SignInStatus(factory.Session(), email, NewPassword));

        // The same link again: its token died with the old security stamp.
        var again = await stranger.Post(link, new() { ["Email"] = email, ["Token"] = token, ["Password"] = Password }, "/Account/ResetPassword");
        Assert.Contains("Đường dẫn không hợp lệ hoặc đã được dùng", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await SignInStatus(factory.Session(), email, Password));
    }

    [Fact]
    public async Task SigningUp_SendsALink_ThatConfirmsTheAddress()
    {
        const string email = "xac.nhan@example.vn";
        var member = await Member(email);
        Assert.Contains("chưa xác nhận", await member.Get("/Account/Manage/Security"));

        // Sending the link again within the minute is answered, but sends nothing: one message a minute an address.
        var resent = await member.Post("/Account/Manage/Security", new(), "/Account/Manage/Security?handler=confirm");
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        var mail = Assert.Single(factory.MailTo(email));
        Assert.Equal("Xác nhận địa chỉ e-mail của bạn trên VnQuantum", mail.Subject);
        string link = LinkIn(mail);

        Assert.Contains("không hợp lệ hoặc đã hết hạn", await factory.Session().Get(Regex.Replace(link, "token=[^&]+", "token=AAAA")));
        Assert.Contains("địa chỉ e-mail đã được xác nhận", await factory.Session().Get(link));
        Assert.Contains("đã xác nhận", await member.Get("/Account/Manage/Security"));
        Assert.DoesNotContain("Gửi lại thư xác nhận", await member.Get("/Account/Manage/Security"));
    }

    [Fact]
    public async Task TwoFactorSignIn_TakesTheAppsCode_OrARecoveryCodeOnce()
    {
        const string email = "hai.lop@example.vn";
        var member = await Member(email);
        string page = await member.Get("/Account/Manage/TwoFactor");
        Assert.Contains("<svg", page); // the QR code
        string key = SharedKey().Match(page).Groups[1].Value.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var app = new Totp(Base32Encoding.ToBytes(key));

        var wrong = await member.Post("/Account/Manage/TwoFactor", new() { ["Code"] = OtherCode(app.ComputeTotp()) }, "/Account/Manage/TwoFactor?handler=enable");
        Assert.Contains("Mã không đúng hoặc đã hết hạn.", await wrong.Content.ReadAsStringAsync());
        var enabled = await member.Post("/Account/Manage/TwoFactor", new() { ["Code"] = app.ComputeTotp() }, "/Account/Manage/TwoFactor?handler=enable");
        string shown = await enabled.Content.ReadAsStringAsync();
        Assert.Contains("Xác thực hai lớp đang bật.", shown);
        var recovery = RecoveryCode().Matches(shown).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, recovery.Count);

        // A password alone no longer signs in: it leads to the code.
        var visitor = factory.Session();
        var first = await visitor.Post("/Account/SignIn", new() { ["Email"] = email, ["Password"] = Password });
        Assert.Equal("/Account/SignInTwoFactor", first.Headers.Location!.AbsolutePath(visitor));
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.Client.GetAsync("/Account/Manage/Profile")).StatusCode);
        var refused = await visitor.Post("/Account/SignInTwoFactor", new() { ["Code"] = OtherCode(app.ComputeTotp()) });
        Assert.Contains("Mã không đúng hoặc đã hết hạn.", await refused.Content.ReadAsStringAsync());
        var accepted = await visitor.Post("/Account/SignInTwoFactor", new() { ["Code"] = app.ComputeTotp() });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.Client.GetAsync("/Account/Manage/Profile")).StatusCode);

        // A recovery code signs in once.
        foreach (var expected in new[] { HttpStatusCode.Redirect, HttpStatusCode.OK })
        {
            var other = factory.Session();
            await other.SignIn(email, Password);
            var answer = await other.Post("/Account/SignInTwoFactor", new() { ["Code"] = recovery[0] });
            Assert.Equal(expected, answer.StatusCode);
        }

        Assert.Contains("Còn 9 mã khôi phục.", await member.Get("/Account/Manage/TwoFactor"));

        // Turned off, the password alone signs in again.
        var off = await member.Post("/Account/Manage/TwoFactor", new() { ["Code"] = "000000" }, "/Account/Manage/TwoFactor?handler=disable");
        Assert.Contains("Xác thực hai lớp đang tắt.", await off.Content.ReadAsStringAsync());
        var plain = await factory.Session().Post("/Account/SignIn", new() { ["Email"] = email, ["Password"] = Password });
        Assert.Equal("/", plain.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AMailServerThatIsDown_NeitherBreaksSignUp_NorTellsAStrangerWhoIsAMember()
    {
        // A port nobody listens on: the SMTP connection is refused at once.
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var hub = new HubFactory { Settings = { ["Hub:Mail:SmtpHost"] = "127.0.0.1", ["Hub:Mail:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        var member = hub.Session();
        Assert.Equal(HttpStatusCode.Redirect, (await member.SignUp("thu.hong@example.vn", "Lê Thu", Password)).StatusCode);
        Assert.Contains("chưa xác nhận", await member.Get("/Account/Manage/Security"));
        var asked = await hub.Session().Post("/Account/ForgotPassword", new() { ["Email"] = "thu.hong@example.vn" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("Nếu địa chỉ này có tài khoản", await asked.Content.ReadAsStringAsync());
        Assert.False(Directory.Exists(hub.MailFolder)); // nothing fell back to the pickup directory
    }

    private static string OtherCode(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();

    [GeneratedRegex("name=\"Token\" value=\"([^\"]+)\"")]
    private static partial Regex HiddenToken();

    [GeneratedRegex("<code id=\"shared-key\">([a-z0-9 ]+)</code>")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<li><code>([A-Z0-9-]+)</code></li>")]
    private static partial Regex RecoveryCode();
}

internal static class LocationExtensions
{
    /// <summary>The path of a redirect, whether the hub wrote it relative or absolute.</summary>
    public static string AbsolutePath(this Uri location, HubSession session) =>
        (location.IsAbsoluteUri ? location : new Uri(session.Client.BaseAddress!, location)).AbsolutePath;
}

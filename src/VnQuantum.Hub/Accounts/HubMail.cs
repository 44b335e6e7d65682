using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace VnQuantum.Hub.Accounts;

/// <summary>
/// Where the hub's e-mail goes (Hub:Mail): to an SMTP server when <see cref="SmtpHost"/> is set, otherwise into a
/// pickup directory as one .eml file a message, which is what a single-machine start and the tests read.
/// </summary>
public sealed class MailOptions
{
    /// <summary>The sender's address on every message.</summary>
    public string From { get; set; } = "VnQuantum Hub <hub@vnquantum.local>";

    /// <summary>The SMTP server; unset, mail goes to <see cref="PickupDirectory"/>.</summary>
    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    /// <summary>The SMTP account; its password is read from <see cref="SmtpPasswordFile"/>, never from settings.</summary>
    public string? SmtpUser { get; set; }

    public string? SmtpPasswordFile { get; set; }

    /// <summary>The folder .eml files are written to when there is no SMTP server (default App_Data/mail).</summary>
    public string? PickupDirectory { get; set; }
}

/// <summary>
/// Sends the hub's messages (password resets, e-mail confirmations). Two real senders sit behind it: SMTP through
/// MailKit, or the pickup directory; the boundary is what lets one hub run with either.
/// </summary>
public interface IHubMail
{
    Task SendAsync(string to, string subject, string body, CancellationToken cancel);
}

/// <summary>Builds the one sender the settings ask for.</summary>
public static class HubMail
{
    public static IHubMail Create(MailOptions options, string contentRoot, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SmtpHost is { Length: > 0 })
        {
            logger.LogInformation("E-mail goes through {Host}:{Port}", options.SmtpHost, options.SmtpPort);
            return new SmtpMail(options);
        }

        string folder = options.PickupDirectory is { Length: > 0 } dir ? dir : Path.Combine(contentRoot, "App_Data", "mail");
        logger.LogInformation("No SMTP server is set (Hub:Mail:SmtpHost): e-mail is written to {Folder}", folder);
        return new PickupDirectoryMail(folder, options.From);
    }

    /// <summary>A mail server down, refusing or slow, or a pickup folder that cannot be written: logged by the caller, never fatal to the page.</summary>
    public static bool IsDeliveryFailure(Exception e) =>
        e is IOException or System.Net.Sockets.SocketException or MailKit.ServiceNotConnectedException or MailKit.ProtocolException
            or SmtpCommandException or AuthenticationException or TimeoutException or UnauthorizedAccessException;

    /// <summary>
    /// Where links in mail point: Hub:PublicUrl when set, so that a forged Host header cannot make the hub mail
    /// somebody a link to another site; the request's own origin otherwise (a single-machine start).
    /// </summary>
    public static string PublicBase(IConfiguration configuration, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(request);
        return configuration["Hub:PublicUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : $"{request.Scheme}://{request.Host}";
    }

    internal static MimeMessage Message(string from, string to, string subject, string body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}

/// <summary>One .eml file a message, written under a temporary name and then renamed, so a reader never sees half of one.</summary>
internal sealed class PickupDirectoryMail(string folder, string from) : IHubMail
{
    public async Task SendAsync(string to, string subject, string body, CancellationToken cancel)
    {
        Directory.CreateDirectory(folder);
        var message = HubMail.Message(from, to, subject, body);
        string name = $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}";
        string partial = Path.Combine(folder, name + ".tmp");
        await message.WriteToAsync(partial, cancel);
        File.Move(partial, Path.Combine(folder, name + ".eml"));
    }
}

/// <summary>SMTP with STARTTLS where the server offers it (MailKit's default for port 587), authenticated when a user is set.</summary>
internal sealed class SmtpMail(MailOptions options) : IHubMail
{
    public async Task SendAsync(string to, string subject, string body, CancellationToken cancel)
    {
        var message = HubMail.Message(options.From, to, subject, body);
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(options.SmtpHost!, options.SmtpPort, SecureSocketOptions.Auto, cancel);
        if (options.SmtpUser is { Length: > 0 } user)
        {
            string password = options.SmtpPasswordFile is { Length: > 0 } file ? (await File.ReadAllTextAsync(file, cancel)).Trim() : string.Empty;
            await client.AuthenticateAsync(user, password, cancel);
        }

        await client.SendAsync(message, cancel);
        await client.DisconnectAsync(quit: true, cancel);
    }
}

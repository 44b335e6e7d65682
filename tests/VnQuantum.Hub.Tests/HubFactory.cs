using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VnQuantum.Hub.Tests;

/// <summary>The hub in memory over a fresh SQLite file (or PostgreSQL database), with the first admin's password in a temporary file.</summary>
public class HubFactory : WebApplicationFactory<Program>
{
    private readonly string _file;

    public HubFactory()
        : this(Path.Combine(Path.GetTempPath(), $"vnq-hub-web-{Guid.NewGuid():N}.db"))
    {
    }

    /// <summary>A hub on <paramref name="file"/>, which may hold an earlier run's database (a restart).</summary>
    internal HubFactory(string file, bool deleteOnDispose = true)
    {
        _file = file;
        DeleteOnDispose = deleteOnDispose;
    }

    public bool DeleteOnDispose { get; }

    /// <summary>More configuration for this hub (Hub:Jobs limits and the like).</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public string AdminEmail => "admin@vnquantum.local";

    /// <summary>The pickup directory this hub writes its e-mail to (one .eml file a message).</summary>
    public string MailFolder => _file + ".mail";

    /// <summary>The messages sent to <paramref name="address"/> so far, oldest first, parsed.</summary>
    public IReadOnlyList<MimeKit.MimeMessage> MailTo(string address) =>
        !Directory.Exists(MailFolder) ? [] :
        [.. Directory.GetFiles(MailFolder, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeKit.MimeMessage.Load(f))
            .Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>The first admin's password, read from the file the hub wrote it to.</summary>
    public string AdminPassword
    {
        get
        {
            _ = Server;
            return File.ReadAllLines(_file + ".admin")[1];
        }
    }

    /// <summary>A client that keeps cookies and does not follow redirects (so tests see where they point).</summary>
    public HubSession Session() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    protected virtual void Configure(IWebHostBuilder builder) => builder.UseSetting("ConnectionStrings:Hub", $"Data Source={_file}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Hub:AdminPasswordFile", _file + ".admin");
        builder.UseSetting("Hub:Mail:PickupDirectory", MailFolder);

        // Many tests share one hub and one client address: the tool pages' rate limit is tested where it is set low.
        builder.UseSetting("Hub:Tools:RequestsPerMinute", "100000");
        Configure(builder);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (DeleteOnDispose)
        {
            foreach (string suffix in new[] { string.Empty, ".admin", "-wal", "-shm" })
            {
                File.Delete(_file + suffix);
            }

            if (Directory.Exists(MailFolder))
            {
                Directory.Delete(MailFolder, recursive: true);
            }
        }
    }
}

/// <summary>One browser-like session: cookies kept, forms posted with the antiforgery token of the page they are on.</summary>
public sealed partial class HubSession(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public async Task<string> Get(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>GETs <paramref name="page"/>, then POSTs <paramref name="fields"/> with its token to <paramref name="action"/> (default: the page).</summary>
    public async Task<HttpResponseMessage> Post(string page, Dictionary<string, string> fields, string? action = null)
    {
        string form = await Get(page);
        var values = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value };
        return await Client.PostAsync(action ?? page, new FormUrlEncodedContent(values));
    }

    public async Task<HttpResponseMessage> SignUp(string email, string name, string password) =>
        await Post("/Account/SignUp", new Dictionary<string, string> { ["Name"] = name, ["Email"] = email, ["Country"] = "Việt Nam", ["Password"] = password });

    public async Task SignIn(string email, string password)
    {
        var response = await Post("/Account/SignIn", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

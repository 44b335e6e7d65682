using System.Net;
using System.Security.Cryptography;
using VnQuantum.Kms;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Hub.Tests;

/// <summary>A real KME (ETSI GS QKD 014 over mutual TLS) for the hub to watch, with its demo PKI.</summary>
public sealed class WatchedKme : IAsyncLifetime
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("vnq-hub-kms-").FullName;

    public KmeHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var thumbprints = DemoPki.Init(Dir, ["kme-a"], ["hub-monitor", "sae-b"]);
        Host = KmeHost.Create(
            new KmsOptions
            {
                Port = 0,
                StorePath = Path.Combine(Dir, "kme-a.db"),
                ClientCaCertificate = Path.Combine(Dir, "ca.crt"),
                ServerCertificate = Path.Combine(Dir, "kme-a.crt"),
                ServerKey = Path.Combine(Dir, "kme-a.key"),
                SaeCertificates = new() { [thumbprints["hub-monitor"]] = "HUB-MONITOR", [thumbprints["sae-b"]] = "SAE-B" },
            },
            new KeyEncryption(RandomNumberGenerator.GetBytes(32)));
        Host.Store.AddToPool(KeyService.LocalLink, RandomNumberGenerator.GetBytes(4096));
        await Host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, true);
    }
}

public sealed class KmsStateTests(WatchedKme kme) : IClassFixture<WatchedKme>
{
    [Fact]
    public async Task NetworkAdmins_SeeEachLinksStoredKeys_AndWhyALinkDoesNotAnswer()
    {
        using var hub = new HubFactory();
        void Link(int i, string name, string url)
        {
            hub.Settings[$"Hub:Kms:Links:{i}:Name"] = name;
            hub.Settings[$"Hub:Kms:Links:{i}:Url"] = url;
            hub.Settings[$"Hub:Kms:Links:{i}:Slave"] = "SAE-B";
            hub.Settings[$"Hub:Kms:Links:{i}:Certificate"] = Path.Combine(kme.Dir, "hub-monitor.crt");
            hub.Settings[$"Hub:Kms:Links:{i}:Key"] = Path.Combine(kme.Dir, "hub-monitor.key");
            hub.Settings[$"Hub:Kms:Links:{i}:Ca"] = Path.Combine(kme.Dir, "ca.crt");
        }

        Link(0, "Hà Nội – Hải Phòng", kme.Host.BaseAddress.ToString());
        Link(1, "Đà Nẵng (offline)", $"https://127.0.0.1:{VnQuantum.Kms.Tests.LoopbackPort.Free()}");

        var member = hub.Session();
        await member.SignUp("kms.viewer@example.vn", "Chu Văn An", "trạng thái mạng khóa lượng tử");
        var denied = await member.Client.GetAsync("/Admin/Kms");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/Account/Denied", denied.Headers.Location!.AbsolutePath);

        var admin = hub.Session();
        await admin.SignIn(hub.AdminEmail, hub.AdminPassword);
        string page = await admin.Get("/Admin/Kms");
        Assert.Contains("HUB-MONITOR → SAE-B", page);
        Assert.Contains("128 / ", page); // 4096 bytes of pool as 256-bit keys
        Assert.Contains("256 bit", page);
        Assert.Contains("Đà Nẵng (offline)", page);
        Assert.Contains("class=\"error\"", page);
    }
}

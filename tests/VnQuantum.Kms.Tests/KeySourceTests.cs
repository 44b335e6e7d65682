using System.Security.Cryptography;
using VnQuantum.Kms.KeySources;
using VnQuantum.Kms.Storage;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Kms.Tests;

public sealed class KeySourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-source-").FullName;
    private readonly KeyEncryption _kek = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void SimulatedLink_FeedsBothKmesTheSameKeyStream()
    {
        using var a = new SqliteKeyStore(Path.Combine(_dir, "a.db"), _kek);
        using var b = new SqliteKeyStore(Path.Combine(_dir, "b.db"), _kek);
        int bytes = QkdKeySources.RunLink(QkdLink.Lim2014(25), 120_000_000, seed: 7, a, b);
        Assert.True(bytes > 4096, $"{bytes} bytes");
        Assert.Equal(bytes, a.AvailableBytes(KeyService.LocalLink, null));
        Assert.Equal(bytes, b.AvailableBytes(KeyService.LocalLink, null));
        var fromA = a.Reserve(KeyService.LocalLink, null, "SAE-A", ["SAE-B"], 4, 32, pending: false)!.Value.Keys;
        var fromB = b.Reserve(KeyService.LocalLink, null, "SAE-A", ["SAE-B"], 4, 32, pending: false)!.Value.Keys;
        Assert.Equal(fromA.Select(k => Convert.ToBase64String(k.Material)), fromB.Select(k => Convert.ToBase64String(k.Material)));
    }

    [Fact]
    public void ReplayedFile_FillsThePool()
    {
        string file = Path.Combine(_dir, "keys.bin");
        File.WriteAllBytes(file, RandomNumberGenerator.GetBytes(1000));
        using var store = new SqliteKeyStore(Path.Combine(_dir, "c.db"), _kek);
        QkdKeySources.ReplayFile(file, store);
        Assert.Equal(1000, store.AvailableBytes(KeyService.LocalLink, null));
    }

    public void Dispose()
    {
        _kek.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }
}

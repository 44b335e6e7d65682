using System.Security.Cryptography;
using VnQuantum.Kms.KeySources;
using VnQuantum.Kms.Qkd;
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
    public void UnseededLink_ServesCsprngBytes_EqualAtBothEnds_DifferentEachRun()
    {
        IReadOnlyList<StoredKey> Run(string name, out IReadOnlyList<StoredKey> other)
        {
            using var a = new SqliteKeyStore(Path.Combine(_dir, name + "-a.db"), _kek);
            using var b = new SqliteKeyStore(Path.Combine(_dir, name + "-b.db"), _kek);
            Assert.True(QkdKeySources.RunLink(QkdLink.Lim2014(25), 120_000_000, seed: null, a, b) > 4096);
            other = b.Reserve(KeyService.LocalLink, null, "SAE-A", ["SAE-B"], 4, 32, pending: false)!.Value.Keys;
            return a.Reserve(KeyService.LocalLink, null, "SAE-A", ["SAE-B"], 4, 32, pending: false)!.Value.Keys;
        }

        var first = Run("one", out var firstB);
        var second = Run("two", out _);
        var seeded = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            using var s = new SqliteKeyStore(Path.Combine(_dir, $"seeded{i}.db"), _kek);
            QkdKeySources.RunLink(QkdLink.Lim2014(25), 120_000_000, seed: 7, s);
            seeded.Add(Convert.ToBase64String(s.Reserve(KeyService.LocalLink, null, "SAE-A", ["SAE-B"], 1, 32, pending: false)!.Value.Keys[0].Material));
        }

        // Both ends agree; two unseeded runs do not (a seeded run repeats itself, which is why it is for tests only).
        Assert.Equal(first.Select(k => Convert.ToBase64String(k.Material)), firstB.Select(k => Convert.ToBase64String(k.Material)));
        Assert.NotEqual(Convert.ToBase64String(first[0].Material), Convert.ToBase64String(second[0].Material));
        Assert.Equal(seeded[0], seeded[1]);
    }

    [Fact]
    public void UnseededSimulatedLink_ToAPeer_IsRefused_AndTheBurnBudgetIsShared()
    {
        var options = new KmsOptions
        {
            AllowSimulatedKeys = true,
            SaeCertificates = new() { [new string('A', 64)] = "SAE-A" },
            KeySource = new KeySourceOptions { Link = "KME-B", QkdLink = new QkdLinkSourceOptions() },
        };
        Assert.Contains(options.Validate(), p => p.Contains("without a seed", StringComparison.Ordinal));
        options.KeySource.QkdLink!.Seed = 7;
        Assert.DoesNotContain(options.Validate(), p => p.Contains("without a seed", StringComparison.Ordinal));

        // Requests that pass the budget take their share at once: eight concurrent 128-key requests cannot all pass 256.
        var budget = new VnQuantum.Kms.Peers.BurnBudget(256);
        Assert.Equal(2, Enumerable.Range(0, 8).Count(_ => budget.TryTake("SAE-A", 128)));
        budget.Refund("SAE-A", 128);
        Assert.True(budget.TryTake("SAE-A", 128));
        Assert.False(budget.TryTake("SAE-A", 1));
    }

    [Fact]
    public void ReplayedFile_FillsThePool()
    {
        string file = Path.Combine(_dir, "keys.bin");
        File.WriteAllBytes(file, RandomNumberGenerator.GetBytes(1000));
        using var store = new SqliteKeyStore(Path.Combine(_dir, "c.db"), _kek);
        KeyFile.Replay(file, store);
        Assert.Equal(1000, store.AvailableBytes(KeyService.LocalLink, null));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KekFile_RawOrBase64_IsTheKeyUsed_NotZeros(bool base64)
    {
        byte[] kek = RandomNumberGenerator.GetBytes(32);
        string path = Path.Combine(_dir, "kek.bin");
        if (base64)
        {
            File.WriteAllText(path, Convert.ToBase64String(kek));
        }
        else
        {
            File.WriteAllBytes(path, kek);
        }

        using var fromFile = KeyEncryption.FromFileOrEnvironment(path);
        byte[] sealedBytes = fromFile.Seal("secret"u8, "label");
        using var same = new KeyEncryption(kek);
        using var zeros = new KeyEncryption(new byte[32]);
        Assert.Equal("secret"u8.ToArray(), same.Open(sealedBytes, "label"));
        Assert.ThrowsAny<CryptographicException>(() => zeros.Open(sealedBytes, "label"));
    }

    [Fact]
    public void AStoreRemembersItsStream_SoARestartDoesNotFeedItAgain()
    {
        using (var store = new SqliteKeyStore(Path.Combine(_dir, "d.db"), _kek))
        {
            Assert.False(store.HasStream("KME-B"));
            store.AddToPool("KME-B", RandomNumberGenerator.GetBytes(100));
            store.Reserve("KME-B", 0, "SAE-A", ["SAE-B"], 3, 32, pending: false);
        }

        using var reopened = new SqliteKeyStore(Path.Combine(_dir, "d.db"), _kek);
        Assert.True(reopened.HasStream("KME-B"));
        Assert.False(reopened.HasStream("KME-C"));
    }

    public void Dispose()
    {
        _kek.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }
}

using System.Security.Cryptography;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Tests;

/// <summary>No key kept after delivery, physically: the SQLite files hold neither the sealed key nor its bytes.</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-retention-").FullName;

    [Fact]
    public void DeliveredKey_IsGoneFromTheDatabaseAndTheWal()
    {
        string path = Path.Combine(_dir, "kme.db");
        using var encryption = new KeyEncryption(RandomNumberGenerator.GetBytes(32));
        using var store = new SqliteKeyStore(path, encryption);
        store.AddToPool(KeyService.LocalLink, RandomNumberGenerator.GetBytes(4 * 4096));
        var (_, keys) = store.Reserve(KeyService.LocalLink, null, "SAE-A", ["SAE-B"], 4, 64, pending: false)!.Value;
        var sealedRows = new List<byte[]>();
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT sealed FROM reserved_key";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                sealedRows.Add((byte[])reader[0]);
            }
        }

        Assert.Equal(4, sealedRows.Count);
        Assert.NotNull(store.Deliver("SAE-A", "SAE-B", keys.Select(k => k.Id).ToList()));
        store.Compact();

        var files = new[] { path, path + "-wal" }.Where(File.Exists).Select(File.ReadAllBytes).ToList();
        foreach (var bytes in files)
        {
            foreach (var blob in sealedRows)
            {
                Assert.True(bytes.AsSpan().IndexOf(blob.AsSpan(12, 32)) < 0, "a delivered key's sealed bytes are still in the files");
            }
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }
}

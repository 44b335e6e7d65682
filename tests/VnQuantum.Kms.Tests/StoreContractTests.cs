using System.Security.Cryptography;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Tests;

/// <summary>The two-KME and crash-recovery parts of <see cref="IKeyStore"/>, against both databases.</summary>
public sealed class StoreContractTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-store-").FullName;
    private readonly KeyEncryption _kek = new(RandomNumberGenerator.GetBytes(32));
    private readonly string _schemaA = "a" + Guid.NewGuid().ToString("N"), _schemaB = "b" + Guid.NewGuid().ToString("N");
    private readonly List<IKeyStore> _open = [];
    private string _backend = "";

    public static TheoryData<string> Backends => KeyServiceTests.Backends;

    private IKeyStore Store(string side)
    {
        IKeyStore store = _backend == "postgres"
            ? new PostgresKeyStore(KeyServiceTests.PostgresConnection!, _kek, side == "a" ? _schemaA : _schemaB)
            : new SqliteKeyStore(Path.Combine(_dir, side + ".db"), _kek);
        _open.Add(store);
        return store;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void PeerReservation_CutsTheSameBytes_AndTheOwnersParityOnly(string backend)
    {
        _backend = backend;
        var a = Store("a");
        var b = Store("b");
        byte[] stream = RandomNumberGenerator.GetBytes(5 * SqliteKeyStore.SegmentBytes);
        a.AddToPool("KME-B", stream);
        b.AddToPool("KME-A", stream);

        var (reservation, keys) = a.Reserve("KME-B", 0, "SAE-A", ["SAE-B"], 3, 1000, pending: true)!.Value;
        Assert.All(reservation.Keys, k => Assert.Equal(0, k.Segment % 2));
        Assert.Equal(keys.Select(k => k.Id), a.Pending());
        Assert.Null(a.Deliver("SAE-A", "SAE-B", [keys[0].Id]));

        Assert.True(b.RecordPeerReservation("KME-A", 0, reservation));
        Assert.True(b.RecordPeerReservation("KME-A", 0, reservation));
        var atB = b.Deliver("SAE-A", "SAE-B", keys.Select(k => k.Id).ToList())!;
        Assert.Equal(keys.Select(k => Convert.ToBase64String(k.Material)), atB.Select(k => Convert.ToBase64String(k.Material)));

        a.Confirm(keys.Select(k => k.Id).ToList());
        Assert.Empty(a.Pending());

        // B reserves from odd segments: never the bytes A took.
        var fromB = b.Reserve("KME-A", 1, "SAE-B", ["SAE-A"], 3, 1000, pending: false)!.Value;
        Assert.All(fromB.Reservation.Keys, k => Assert.Equal(1, k.Segment % 2));
        Assert.Empty(keys.Select(k => Convert.ToBase64String(k.Material)).Intersect(fromB.Keys.Select(k => Convert.ToBase64String(k.Material))));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void BurnNotice_ThatOvertakesItsReservation_StillBurnsIt(string backend)
    {
        _backend = backend;
        var a = Store("a");
        var b = Store("b");
        byte[] stream = RandomNumberGenerator.GetBytes(2 * SqliteKeyStore.SegmentBytes);
        a.AddToPool("KME-B", stream);
        b.AddToPool("KME-A", stream);
        var (reservation, keys) = a.Reserve("KME-B", 0, "SAE-A", ["SAE-B"], 2, 32, pending: true)!.Value;
        var ids = keys.Select(k => k.Id).ToList();

        // B hears "burn these" from A before the reservation itself arrives.
        b.Burn(ids, new HashSet<string> { "SAE-A" });
        Assert.True(b.RecordPeerReservation("KME-A", 0, reservation));
        Assert.Null(b.Deliver("SAE-A", "SAE-B", ids));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void BurnedKeys_AreNeverDeliveredOrRecordedAgain(string backend)
    {
        _backend = backend;
        var a = Store("a");
        a.AddToPool("KME-B", RandomNumberGenerator.GetBytes(8192));
        var (reservation, keys) = a.Reserve("KME-B", 0, "SAE-A", ["SAE-B"], 2, 32, pending: true)!.Value;
        var ids = keys.Select(k => k.Id).ToList();
        a.Burn(ids);
        Assert.Empty(a.Pending());
        Assert.Null(a.Deliver("SAE-A", "SAE-B", ids));
        Assert.True(a.RecordPeerReservation("KME-B", 0, reservation));
        Assert.Null(a.Deliver("SAE-A", "SAE-B", ids));
    }

    [PostgresFact]
    public void TwoNodesOnOnePostgres_NeverReserveTheSameBytes()
    {
        _backend = "postgres";
        var node1 = Store("a");
        var node2 = Store("a");
        node1.AddToPool("local", RandomNumberGenerator.GetBytes(40 * SqliteKeyStore.SegmentBytes));
        var taken = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var store = i % 2 == 0 ? node1 : node2;
            lock (store)
            {
                var r = store.Reserve("local", null, "SAE-A", ["SAE-B"], 4, 512, pending: false);
                foreach (var k in r!.Value.Keys)
                {
                    taken.Add(Convert.ToBase64String(k.Material));
                }
            }
        });
        Assert.Equal(160, taken.Count);
        Assert.Equal(160, taken.Distinct().Count());
    }

    public void Dispose()
    {
        foreach (var s in _open)
        {
            s.Dispose();
        }

        if (_backend == "postgres")
        {
            using var db = new Npgsql.NpgsqlConnection(KeyServiceTests.PostgresConnection);
            db.Open();
            using var drop = db.CreateCommand();
            drop.CommandText = $"DROP SCHEMA IF EXISTS {_schemaA} CASCADE; DROP SCHEMA IF EXISTS {_schemaB} CASCADE";
            drop.ExecuteNonQuery();
        }

        _kek.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }
}

/// <summary>A fact that needs PostgreSQL: reported as skipped (not passed) where VNQ_TEST_POSTGRES is not set.
/// .ci/run starts a server and sets it, and fails if it cannot.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (KeyServiceTests.PostgresConnection is null)
        {
            Skip = "needs PostgreSQL: set VNQ_TEST_POSTGRES to a connection string (bash .ci/run does)";
        }
    }
}

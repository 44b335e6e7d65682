using System.Security.Cryptography;
using System.Text;
using VnQuantum.Kms.Etsi014;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Tests;

/// <summary>The ETSI 014 semantics against both stores: SQLite always, PostgreSQL when VNQ_TEST_POSTGRES holds a
/// connection string (CI starts a server and sets it; see .ci/run).</summary>
public sealed class KeyServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-kms-").FullName;
    private readonly KeyEncryption _encryption = new(RandomNumberGenerator.GetBytes(32));
    private readonly string _schema = "t" + Guid.NewGuid().ToString("N");
    private IKeyStore _store = null!;
    private KeyService _service = null!;
    private string _backend = "";

    public static TheoryData<string> Backends
    {
        get
        {
            var data = new TheoryData<string> { "sqlite" };
            if (PostgresConnection is not null)
            {
                data.Add("postgres");
            }

            return data;
        }
    }

    internal static string? PostgresConnection => Environment.GetEnvironmentVariable("VNQ_TEST_POSTGRES");

    private IKeyStore Open() => _backend == "postgres"
        ? new PostgresKeyStore(PostgresConnection!, _encryption, _schema)
        : new SqliteKeyStore(Path.Combine(_dir, "kme.db"), _encryption);

    private void Use(string backend)
    {
        _backend = backend;
        _store = Open();
        var options = new KmsOptions { SaeCertificates = new() { ["A1"] = "SAE-A", ["B1"] = "SAE-B", ["C1"] = "SAE-C", ["D1"] = "SAE-D" } };
        _service = new KeyService(options, _store);
        _store.AddToPool(KeyService.LocalLink, RandomNumberGenerator.GetBytes(10_000));
    }

    private ApiResult<KeyContainer> Enc(string caller, string slave, KeyRequest request) => _service.GetEncKeys(caller, slave, request).GetAwaiter().GetResult();

    private static KeyRequest Request(int number = 1, int? size = null, string[]? additional = null) => new(number, size, additional ?? [], []);

    [Theory]
    [MemberData(nameof(Backends))]
    public void EncThenDec_GivesTheSameBytes_ToTheSlaveOnce(string backend)
    {
        Use(backend);
        var enc = Enc("SAE-A", "SAE-B", Request(3, 256));
        Assert.True(enc.IsSuccess, enc.Error?.Message);
        Assert.Equal(3, enc.Value!.Keys.Count);
        Assert.All(enc.Value.Keys, k => Assert.Equal(32, Convert.FromBase64String(k.Key).Length));
        var ids = enc.Value.Keys.Select(k => Guid.Parse(k.KeyId)).ToList();

        var dec = _service.GetDecKeys("SAE-B", "SAE-A", ids);
        Assert.True(dec.IsSuccess);
        Assert.Equal(enc.Value.Keys.Select(k => k.Key), dec.Value!.Keys.Select(k => k.Key));

        var again = _service.GetDecKeys("SAE-B", "SAE-A", ids);
        Assert.Equal(401, again.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void OtherSaes_AndTheMasterItself_Get401_AndLearnNothing(string backend)
    {
        Use(backend);
        var enc = Enc("SAE-A", "SAE-B", Request());
        var id = Guid.Parse(enc.Value!.Keys[0].KeyId);
        Assert.Equal(401, _service.GetDecKeys("SAE-C", "SAE-A", [id]).StatusCode);
        Assert.Equal(401, _service.GetDecKeys("SAE-A", "SAE-A", [id]).StatusCode);
        Assert.Equal(401, _service.GetDecKeys("SAE-B", "SAE-C", [id]).StatusCode);

        // After all those refusals the slave still gets it.
        Assert.True(_service.GetDecKeys("SAE-B", "SAE-A", [id]).IsSuccess);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AdditionalSlaves_EachGetTheKeyOnce(string backend)
    {
        Use(backend);
        var enc = Enc("SAE-A", "SAE-B", Request(1, 128, ["SAE-C"]));
        var id = Guid.Parse(enc.Value!.Keys[0].KeyId);
        Assert.Equal(enc.Value.Keys[0].Key, _service.GetDecKeys("SAE-C", "SAE-A", [id]).Value!.Keys[0].Key);
        Assert.Equal(enc.Value.Keys[0].Key, _service.GetDecKeys("SAE-B", "SAE-A", [id]).Value!.Keys[0].Key);
        Assert.Equal(401, _service.GetDecKeys("SAE-C", "SAE-A", [id]).StatusCode);
        Assert.Equal(401, _service.GetDecKeys("SAE-D", "SAE-A", [id]).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DecKeys_IsAllOrNothing(string backend)
    {
        Use(backend);
        var enc = Enc("SAE-A", "SAE-B", Request(2));
        var ids = enc.Value!.Keys.Select(k => Guid.Parse(k.KeyId)).ToList();
        Assert.Equal(401, _service.GetDecKeys("SAE-B", "SAE-A", [ids[0], Guid.NewGuid()]).StatusCode);
        Assert.True(_service.GetDecKeys("SAE-B", "SAE-A", ids).IsSuccess);
    }

    [Theory]
    [InlineData(0, 256, "number 0")]
    [InlineData(129, 256, "number 129")]
    [InlineData(1, 100, "size 100")]
    [InlineData(1, 32, "size 32")]
    [InlineData(1, 2048, "size 2048")]
    public void OutOfLimits_Is400_NamingTheProblem(int number, int size, string expected)
    {
        Use("sqlite");
        var r = Enc("SAE-A", "SAE-B", Request(number, size));
        Assert.Equal(400, r.StatusCode);
        Assert.Contains(expected, r.Error!.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void UnknownSlave_UnsupportedExtension_AndEmptyPool_AreRefused(string backend)
    {
        Use(backend);
        Assert.Equal(400, Enc("SAE-A", "SAE-X", Request()).StatusCode);
        Assert.Contains("SAE-X", Enc("SAE-A", "SAE-X", Request()).Error!.Message);
        var (request, _) = KeyRequestReader.FromJson("""{"number":1,"extension_mandatory":[{"abc_route_type":"direct"}],"extension_optional":[{"xyz":1}]}"""u8);
        var refused = Enc("SAE-A", "SAE-B", request!);
        Assert.Equal(400, refused.StatusCode);
        Assert.Contains("abc_route_type", refused.Error!.Details![0]["message"]);
        Assert.Equal(503, Enc("SAE-A", "SAE-B", Request(100, 1024)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ExtensionOptional_IsIgnored(string backend)
    {
        Use(backend);
        var (request, problem) = KeyRequestReader.FromJson("""{"number":2,"size":64,"extension_optional":[{"unknown":true}]}"""u8);
        Assert.Null(problem);
        Assert.True(Enc("SAE-A", "SAE-B", request!).IsSuccess);
    }

    [Theory]
    [InlineData("{", "malformed JSON")]
    [InlineData("""{"number":"two"}""", "'number' must be an integer")]
    [InlineData("""{"size":1.5}""", "'size'")]
    [InlineData("""{"additional_slave_SAE_IDs":"SAE-C"}""", "additional_slave_SAE_IDs")]
    [InlineData("""{"nmber":1}""", "unknown field 'nmber'")]
    [InlineData("[1]", "JSON object")]
    public void MalformedRequests_Name_TheProblem(string body, string expected)
    {
        var (request, problem) = KeyRequestReader.FromJson(Encoding.UTF8.GetBytes(body));
        Assert.Null(request);
        Assert.Contains(expected, problem);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Status_ReportsTheLimits_AndTheStock(string backend)
    {
        Use(backend);
        var s = _service.GetStatus("SAE-A", "SAE-B").Value!;
        Assert.Equal(("SAE-A", "SAE-B", 256, 64, 1024, 128, 4), (s.MasterSaeId, s.SlaveSaeId, s.KeySize, s.MinKeySize, s.MaxKeySize, s.MaxKeyPerRequest, s.MaxSaeIdCount));
        Assert.Equal(10_000 / 32, s.StoredKeyCount);
        Assert.Equal("KME-A", s.TargetKmeId);
        Enc("SAE-A", "SAE-B", Request(10, 256));
        Assert.Equal((10_000 / 32) - 10, _service.GetStatus("SAE-A", "SAE-B").Value!.StoredKeyCount);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void KeyMaterial_IsEncryptedAtRest_AndBoundToItsSaePair(string backend)
    {
        Use(backend);
        var enc = Enc("SAE-A", "SAE-B", Request(1, 1024));
        byte[] key = Convert.FromBase64String(enc.Value!.Keys[0].Key);
        _store.Dispose();
        byte[] all = backend == "sqlite" ? SqliteFiles() : PostgresRows();
        Assert.True(all.Length > 1000);
        Assert.Equal(-1, all.AsSpan().IndexOf(key.AsSpan(0, 16)));

        // A record opened as another SAE pair does not decrypt.
        byte[] sealedBytes = _encryption.Seal(key, "key:x|master:SAE-A|slaves:SAE-B");
        Assert.ThrowsAny<CryptographicException>(() => _encryption.Open(sealedBytes, "key:x|master:SAE-C|slaves:SAE-B"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Reservations_SurviveAReopen(string backend)
    {
        Use(backend);
        var enc = Enc("SAE-A", "SAE-B", Request(2));
        _store.Dispose();
        using var reopened = Open();
        var delivered = reopened.Deliver("SAE-A", "SAE-B", enc.Value!.Keys.Select(k => Guid.Parse(k.KeyId)).ToList());
        Assert.NotNull(delivered);
        Assert.Equal(enc.Value.Keys.Select(k => k.Key), delivered!.Select(k => Convert.ToBase64String(k.Material)));
        Assert.Equal(10_000 - 64, reopened.AvailableBytes(KeyService.LocalLink, null));
    }

    private byte[] SqliteFiles()
    {
        string wal = Path.Combine(_dir, "kme.db-wal");
        return [.. File.ReadAllBytes(Path.Combine(_dir, "kme.db")), .. File.Exists(wal) ? File.ReadAllBytes(wal) : []];
    }

    private byte[] PostgresRows()
    {
        using var db = new Npgsql.NpgsqlConnection(PostgresConnection);
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT sealed FROM {_schema}.reserved_key UNION ALL SELECT sealed FROM {_schema}.pool_segment";
        using var reader = cmd.ExecuteReader();
        var all = new List<byte>();
        while (reader.Read())
        {
            all.AddRange((byte[])reader[0]);
        }

        return [.. all];
    }

    public void Dispose()
    {
        _store?.Dispose();
        if (_backend == "postgres")
        {
            using var db = new Npgsql.NpgsqlConnection(PostgresConnection);
            db.Open();
            using var drop = db.CreateCommand();
            drop.CommandText = $"DROP SCHEMA IF EXISTS {_schema} CASCADE";
            drop.ExecuteNonQuery();
        }

        _encryption.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }
}

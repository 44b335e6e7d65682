using System.Security.Cryptography;

namespace VnQuantum.Kms.Tests;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-audit-").FullName;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private string Write(int entries)
    {
        string path = Path.Combine(_dir, "audit.jsonl");
        using var log = new AuditLog(path, _key);
        for (int i = 0; i < entries; i++)
        {
            log.Append("SAE-A", "enc_keys", "SAE-B", [Guid.NewGuid().ToString()], 256, 200);
        }

        return path;
    }

    [Fact]
    public void IntactLog_Verifies_AndSurvivesAReopen()
    {
        string path = Write(5);
        using (var log = new AuditLog(path, _key))
        {
            log.Append("SAE-B", "dec_keys", "SAE-A", [], 0, 401);
        }

        var (intact, message) = AuditLog.Verify(path, _key);
        Assert.True(intact, message);
        Assert.Contains("6 entries", message);
    }

    [Fact]
    public async Task TornLastLine_FromAKill_IsCutAtReopen_DurableAppendsSync()
    {
        string path = Write(3);
        File.AppendAllText(path, "{\"seq\":4,\"time\":\"2026-");
        using (var log = new AuditLog(path, _key))
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => log.AppendDurableAsync("SAE-A", "enc_keys", "SAE-B", [Guid.NewGuid().ToString()], 256, 200)));
        }

        var (intact, message) = AuditLog.Verify(path, _key);
        Assert.True(intact, message);
        Assert.Contains("23 entries", message);
    }

    [Fact]
    public void EditedEntry_IsDetected()
    {
        string path = Write(5);
        var lines = File.ReadAllLines(path);
        lines[2] = lines[2].Replace("\"bits\":256", "\"bits\":512");
        File.WriteAllLines(path, lines);
        var (intact, message) = AuditLog.Verify(path, _key);
        Assert.False(intact);
        Assert.Contains(":3:", message);
        Assert.Contains("edited", message);
    }

    [Fact]
    public void DeletedEntry_IsDetected()
    {
        string path = Write(5);
        File.WriteAllLines(path, File.ReadAllLines(path).Where((_, i) => i != 1));
        Assert.False(AuditLog.Verify(path, _key).Intact);
    }

    [Fact]
    public void ReorderedEntries_AreDetected()
    {
        string path = Write(5);
        var lines = File.ReadAllLines(path);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        File.WriteAllLines(path, lines);
        Assert.False(AuditLog.Verify(path, _key).Intact);
    }

    [Fact]
    public void WrongKey_FailsVerification() =>
        Assert.False(AuditLog.Verify(Write(2), RandomNumberGenerator.GetBytes(32)).Intact);

    public void Dispose() => Directory.Delete(_dir, true);
}

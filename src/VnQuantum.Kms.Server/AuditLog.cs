using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VnQuantum.Kms;

/// <summary>One audited request: who, what, which key IDs, how many bits, the answer. Never key material.</summary>
public sealed record AuditEntry(
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("caller")] string Caller,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("key_IDs")] IReadOnlyList<string> KeyIds,
    [property: JsonPropertyName("bits")] long Bits,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("prev")] string Previous,
    [property: JsonPropertyName("mac")] string Mac);

/// <summary>
/// An append-only audit log (JSON lines), each entry chained to the previous one by
/// mac = HMAC-SHA-256(k, prev ‖ entry-without-mac) under a key that is not stored with the log. Editing an entry
/// breaks its MAC; deleting or reordering entries breaks the chain or the sequence. Cutting entries off the end cannot
/// be seen from the log alone: anchor the head MAC that <see cref="Verify"/> prints somewhere else.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly byte[] _key;
    private readonly FileStream _file;
    private readonly Lock _gate = new();
    private readonly System.Threading.Channels.Channel<(long End, TaskCompletionSource Done)> _syncs =
        System.Threading.Channels.Channel.CreateUnbounded<(long, TaskCompletionSource)>(new() { SingleReader = true });
    private readonly Task _syncer;
    private long _written;
    private long _sequence;
    private string _previous;

    public AuditLog(string path, ReadOnlySpan<byte> key)
    {
        _key = key.ToArray();
        if (File.Exists(path))
        {
            DropTornTail(path);
        }

        (_sequence, _previous) = File.Exists(path) ? LastOf(path) : (0, new string('0', 64));
        // Unbuffered, so that a write that fails (a full disk) leaves nothing behind to be flushed later, and the file
        // can be cut back to the last whole entry.
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _written = _file.Length;
        _file.Position = _written;
        _syncer = Task.Run(SyncLoop);
    }

    /// <summary>Loads the HMAC key from a file (raw or Base64) or the VNQ_KMS_AUDIT_KEY environment variable (Base64).</summary>
    public static byte[] LoadKey(string? path)
    {
        if (path is not null)
        {
            byte[] raw = File.ReadAllBytes(path);
            return raw.Length == 32 ? raw : Convert.FromBase64String(Encoding.ASCII.GetString(raw).Trim());
        }

        string value = Environment.GetEnvironmentVariable("VNQ_KMS_AUDIT_KEY")
            ?? throw new InvalidOperationException("no audit key: set auditKeyFile in the configuration or VNQ_KMS_AUDIT_KEY");
        return Convert.FromBase64String(value);
    }

    /// <summary>Appends one entry, flushed to the operating system before returning: it survives a kill of the
    /// process, not a power cut (<see cref="AppendDurableAsync"/> does).</summary>
    public void Append(string caller, string action, string target, IReadOnlyList<string> keyIds, long bits, int status) =>
        Write(caller, action, target, keyIds, bits, status);

    /// <summary>
    /// Appends one entry and completes once it is synced to the disk. Durable appends share their syncs (group commit):
    /// one writer fsyncs for every entry written before it started, and nobody's thread blocks on the disk.
    /// </summary>
    public Task AppendDurableAsync(string caller, string action, string target, IReadOnlyList<string> keyIds, long bits, int status)
    {
        long end = Write(caller, action, target, keyIds, bits, status);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_syncs.Writer.TryWrite((end, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(AuditLog)));
        }

        return done.Task;
    }

    private long Write(string caller, string action, string target, IReadOnlyList<string> keyIds, long bits, int status)
    {
        lock (_gate)
        {
            var entry = new AuditEntry(_sequence + 1, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture), caller, action, target, keyIds, bits, status, _previous, "");
            string mac = Mac(_key, entry);
            byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry with { Mac = mac }) + "\n");
            try
            {
                _file.Write(line);
            }
            catch (IOException)
            {
                // Nothing half-written stays, and the chain goes on from the last whole entry.
                _file.SetLength(_written);
                _file.Position = _written;
                throw;
            }

            _sequence++;
            _previous = mac;
            return _written += line.Length;
        }
    }

    private async Task SyncLoop()
    {
        var waiting = new List<TaskCompletionSource>();
        while (await _syncs.Reader.WaitToReadAsync())
        {
            waiting.Clear();
            while (_syncs.Reader.TryRead(out var item))
            {
                waiting.Add(item.Done);
            }

            try
            {
                // Every waiter's entry was flushed to the operating system before it was queued, so this covers them all.
                RandomAccess.FlushToDisk(_file.SafeFileHandle);
                waiting.ForEach(w => w.TrySetResult());
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                waiting.ForEach(w => w.TrySetException(e));
            }
        }
    }

    /// <summary>Checks the whole log: null when intact (and the head MAC), or the first broken line and why.</summary>
    public static (bool Intact, string Message) Verify(string path, ReadOnlySpan<byte> key)
    {
        string previous = new('0', 64);
        long expected = 1;
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            AuditEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<AuditEntry>(line);
            }
            catch (JsonException)
            {
                return (false, $"{path}:{lineNumber}: not an audit entry");
            }

            if (entry is null)
            {
                return (false, $"{path}:{lineNumber}: empty entry");
            }

            if (entry.Sequence != expected)
            {
                return (false, $"{path}:{lineNumber}: sequence {entry.Sequence} where {expected} was due: entries were deleted or reordered");
            }

            if (entry.Previous != previous)
            {
                return (false, $"{path}:{lineNumber}: the chain is broken (prev does not match the MAC of the entry before)");
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(key, entry with { Mac = "" })), Encoding.ASCII.GetBytes(entry.Mac)))
            {
                return (false, $"{path}:{lineNumber}: the MAC does not match: the entry was edited");
            }

            previous = entry.Mac;
            expected++;
        }

        return (true, $"{path}: {expected - 1} entries intact; head MAC {previous}");
    }

    public void Dispose()
    {
        _syncs.Writer.TryComplete();
        _syncer.Wait();
        _file.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }

    private static string Mac(ReadOnlySpan<byte> key, AuditEntry withoutMac) =>
        Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(withoutMac.Previous + JsonSerializer.Serialize(withoutMac))));

    /// <summary>
    /// A kill in the middle of a write can leave a last line without its newline. That entry was never complete, so
    /// nothing it describes was answered (entries are written before their answers): it is cut off, and the chain
    /// goes on from the last whole entry.
    /// </summary>
    private static void DropTornTail(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        long end = file.Length;
        var one = new byte[1];
        while (end > 0)
        {
            file.Position = end - 1;
            file.ReadExactly(one);
            if (one[0] == (byte)'\n')
            {
                break;
            }

            end--;
        }

        if (end != file.Length)
        {
            file.SetLength(end);
        }
    }

    private static (long Sequence, string Mac) LastOf(string path)
    {
        string? last = File.ReadLines(path).LastOrDefault(l => l.Length > 0);
        if (last is null)
        {
            return (0, new string('0', 64));
        }

        var entry = JsonSerializer.Deserialize<AuditEntry>(last)!;
        return (entry.Sequence, entry.Mac);
    }
}

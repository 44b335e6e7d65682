namespace VnQuantum.Kms.Storage;

/// <summary>A key handed out: its ID and its bytes (the receiver zeroes them after use).</summary>
public sealed record StoredKey(Guid Id, byte[] Material);

/// <summary>
/// The durable store of one KME: a pool of QKD key material not yet assigned, and keys reserved for a master SAE and
/// its slaves until each slave has fetched them once. One narrow interface with two real implementations (SQLite by
/// default, PostgreSQL for several nodes); every method is one transaction.
/// </summary>
public interface IKeyStore : IDisposable
{
    /// <summary>Bytes in the pool that no key has taken yet.</summary>
    long AvailableBytes();

    /// <summary>Appends QKD key material to the pool.</summary>
    void AddToPool(ReadOnlySpan<byte> material);

    /// <summary>
    /// Cuts <paramref name="count"/> keys of <paramref name="bytes"/> bytes from the pool for <paramref name="master"/>
    /// and <paramref name="slaves"/>, durably, and returns them; null (nothing taken) when the pool is too small.
    /// </summary>
    IReadOnlyList<StoredKey>? Reserve(string master, IReadOnlyList<string> slaves, int count, int bytes);

    /// <summary>
    /// Delivers the keys <paramref name="ids"/> of <paramref name="master"/> to <paramref name="slave"/>, each at most
    /// once, all or nothing: null (nothing delivered) when any ID is unknown, belongs to another SAE pair or was
    /// already delivered to this slave.
    /// </summary>
    IReadOnlyList<StoredKey>? Deliver(string master, string slave, IReadOnlyList<Guid> ids);
}

namespace VnQuantum.Kms.Storage;

/// <summary>A key handed out: its ID and its bytes (the receiver zeroes them after use).</summary>
public sealed record StoredKey(Guid Id, byte[] Material);

/// <summary>Where a reserved key sits in a link's key stream: a segment number and a byte range in it.</summary>
public sealed record KeyLocation(Guid Id, long Segment, int Offset, int Bytes);

/// <summary>
/// Keys cut from a link's stream for one master and its slaves, as the reserving KME tells its peer.
/// <paramref name="NextSegment"/>: the reserving side's segments below it are used up and the peer may drop its copies
/// (the store sets its cursor; <see cref="KeyService"/> lowers it to the oldest reservation still in flight).
/// </summary>
public sealed record Reservation(string Master, IReadOnlyList<string> Slaves, IReadOnlyList<KeyLocation> Keys, long NextSegment);

/// <summary>
/// A relay hop (modelled on ETSI GS QKD 020's key relay): end-to-end keys <paramref name="KeyIds"/> for a master on
/// <paramref name="Origin"/> and slaves on <paramref name="Destination"/>, carried over one link. <paramref name="Hop"/>
/// is the hop key cut from that link's stream; <paramref name="Ciphertexts"/> are the end-to-end keys one-time-padded
/// with it (null on the first hop, where the hop key is the end-to-end key).
/// </summary>
public sealed record RelayRequest(string Origin, string Destination, string Master, IReadOnlyList<string> Slaves, IReadOnlyList<Guid> KeyIds, Reservation Hop, IReadOnlyList<byte[]>? Ciphertexts);

/// <summary>One reservation of a batch: <paramref name="Count"/> keys of <paramref name="Bytes"/> bytes from
/// <paramref name="Link"/>'s stream for a master and its slaves.</summary>
public sealed record ReservationRequest(string Link, int? Parity, string Master, IReadOnlyList<string> Slaves, int Count, int Bytes, bool Pending);

/// <summary>
/// The durable store of one KME. Per QKD link it holds the key stream (numbered segments, identical at both ends
/// of the link) and the keys reserved from it for a master SAE and its slaves until each slave has fetched them once.
/// The two KMEs of a link reserve from disjoint segments (<c>parity</c>: even or odd numbers) so they never cut the
/// same bytes; a local link (both SAEs on this KME) uses every segment. One narrow interface with two real
/// implementations in view (SQLite by default, PostgreSQL for several nodes); every method is one transaction.
/// </summary>
public interface IKeyStore : IDisposable
{
    /// <summary>Bytes of <paramref name="link"/>'s stream this side may still reserve (<paramref name="parity"/> null: any segment).</summary>
    long AvailableBytes(string link, int? parity);

    /// <summary>Whether <paramref name="link"/> has ever received key material (a restarted KME must not feed the same
    /// stream again: its bytes may already have been handed out).</summary>
    bool HasStream(string link);

    /// <summary>Appends key material to <paramref name="link"/>'s stream, as the next segments.</summary>
    void AddToPool(string link, ReadOnlySpan<byte> material);

    /// <summary>
    /// Cuts <paramref name="count"/> keys of <paramref name="bytes"/> bytes from this side's segments and records them
    /// for <paramref name="master"/> and <paramref name="slaves"/>: confirmed at once, or pending until
    /// <see cref="Confirm"/> when a peer must acknowledge first. Null (nothing taken) when the stream is too short.
    /// </summary>
    (Reservation Reservation, IReadOnlyList<StoredKey> Keys)? Reserve(string link, int? parity, string master, IReadOnlyList<string> slaves, int count, int bytes, bool pending);

    /// <summary>
    /// <see cref="Reserve"/> for many requests in one transaction with one durable commit (group commit): under load,
    /// concurrent requests share a single fsync. Each result is null when its request did not fit.
    /// </summary>
    IReadOnlyList<(Reservation Reservation, IReadOnlyList<StoredKey> Keys)?> ReserveMany(IReadOnlyList<ReservationRequest> requests);

    /// <summary>Makes pending keys deliverable. <paramref name="servedElsewhere"/>: slaves a peer KME delivers to, whose
    /// copies here are done with; a key none of whose slaves is left here loses its material at once (only the
    /// tombstone stays: ID, master, slaves, time).</summary>
    void Confirm(IReadOnlyList<Guid> ids, IReadOnlyCollection<string>? servedElsewhere = null);

    /// <summary>Destroys keys for good (their IDs stay known, so they are never recorded or handed out again); with
    /// <paramref name="masters"/>, only keys whose master is one of them. <paramref name="notify"/>: peers that hold
    /// copies and must be told (a burn notice per peer and key, kept durably until <see cref="ClearBurnNotices"/>).</summary>
    void Burn(IReadOnlyList<Guid> ids, IReadOnlySet<string>? masters = null, IReadOnlyCollection<string>? notify = null);

    /// <summary>Up to <paramref name="limit"/> key IDs that <paramref name="peer"/> has still to be told to burn.</summary>
    IReadOnlyList<Guid> BurnNotices(string peer, int limit);

    /// <summary>The peer has burned these: forget the notices.</summary>
    void ClearBurnNotices(string peer, IReadOnlyList<Guid> ids);

    /// <summary>Erases confirmed keys reserved before <paramref name="cutoff"/> that some slave has still not fetched
    /// (status 'expired'); returns how many.</summary>
    int BurnUndeliveredOlderThan(DateTime cutoff);

    /// <summary>Makes erased material physically go (SQLite: WAL checkpoint and truncation, with secure_delete on;
    /// PostgreSQL: VACUUM).</summary>
    void Compact();

    /// <summary>Keys still pending (after a crash: to burn).</summary>
    IReadOnlyList<Guid> Pending();

    /// <summary>
    /// Records a reservation the peer KME made on its segments of <paramref name="link"/>: cuts the same bytes from
    /// this side's copy of the stream. Idempotent (known IDs are skipped). False when a segment is missing here.
    /// </summary>
    /// <param name="servedElsewhere">Slaves the peer serves itself, whose copies here are done with at once.</param>
    bool RecordPeerReservation(string link, int peerParity, Reservation reservation, IReadOnlyCollection<string>? servedElsewhere = null);

    /// <summary>
    /// For a relay through this KME: cuts the bytes of the peer's hop reservation from this side's copy of
    /// <paramref name="link"/> and returns them in order, leaving only tombstones (the hop keys are never deliverable
    /// here). Null, and nothing changed, when a segment is missing or any ID is already known (a relay message is
    /// never replayed).
    /// </summary>
    IReadOnlyList<byte[]>? ConsumeForRelay(string link, int peerParity, Reservation hop);

    /// <summary>
    /// Records end-to-end keys that arrived by relay as confirmed keys of <paramref name="master"/> for
    /// <paramref name="slaves"/> (deliverable by <see cref="Deliver"/>). Idempotent: known IDs are skipped.
    /// </summary>
    void RecordRelayedKeys(string master, IReadOnlyList<string> slaves, IReadOnlyList<StoredKey> keys);

    /// <summary>
    /// Delivers the confirmed keys <paramref name="ids"/> of <paramref name="master"/> to <paramref name="slave"/>,
    /// each at most once, all or nothing: null when any ID is unknown, pending, burned, of another SAE pair, or already
    /// delivered to this slave.
    /// </summary>
    IReadOnlyList<StoredKey>? Deliver(string master, string slave, IReadOnlyList<Guid> ids);
}

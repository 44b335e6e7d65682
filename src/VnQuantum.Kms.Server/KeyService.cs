using System.Security.Cryptography;
using VnQuantum.Kms.Etsi014;
using VnQuantum.Kms.Peers;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms;

/// <summary>
/// The three ETSI GS QKD 014 operations for SAEs attached to this KME. The caller's SAE ID is an argument the host
/// takes from the client certificate; this class trusts it and checks everything else.
/// </summary>
/// <remarks>
/// Keys for a slave attached to a peer KME are reserved as pending, sent to the peer, and confirmed only once the
/// peer has durably recorded them; then the master gets its 200. If the peer cannot be reached the keys are burned
/// and the master gets 503. A key whose 200 was lost on the way is burned by nobody and fetched by nobody but its
/// slaves: it is never handed to another SAE.
/// </remarks>
/// <param name="notifyPeer">Sends a reservation to a peer KME; true once the peer has durably recorded it, false when it
/// refused; throws when the peer could not be reached or did not answer in time.</param>
/// <param name="relay">Sends a relay hop to a peer KME; true once the whole rest of the route has recorded the keys.</param>
/// <param name="health">Which peers answer; a master's request over a link whose peer is down is refused before any
/// key is reserved.</param>
public sealed class KeyService(
    KmsOptions options,
    IKeyStore store,
    Func<string, Reservation, CancellationToken, Task<bool>>? notifyPeer = null,
    Func<string, RelayRequest, CancellationToken, Task<bool>>? relay = null,
    PeerHealth? health = null)
{
    /// <summary>The link name of keys whose master and slaves are all attached to this KME.</summary>
    public const string LocalLink = "local";

    private readonly HashSet<string> _saes = [.. options.SaeCertificates.Values];
    private readonly IKeyStore _store = store;
    private readonly BurnBudget _burnBudget = new(options.MaxBurnedKeysPerMinute);

    /// <summary>Keys burned because a peer did not acknowledge them, since start.</summary>
    public long BurnedKeys => _burnBudget.Burned;

    /// <summary>Which peers answer (shared with the host, which probes the down ones).</summary>
    public PeerHealth Health { get; } = health ?? new PeerHealth(options.Peers.Keys);

    // Reservations sent to a peer but not yet acknowledged, by their first segment. Concurrent notifications can
    // arrive out of order, so a message tells the peer the lowest segment still in flight, not this side's cursor:
    // the peer may drop this side's segments below it and no earlier one.
    private readonly Lock _inFlightGate = new();
    private readonly List<(string Link, long Segment)> _inFlight = [];
    private readonly Lock _groupCommitGate = new();
    private GroupCommit? _groupCommit;

    private GroupCommit _commits
    {
        get
        {
            lock (_groupCommitGate)
            {
                return _groupCommit ??= new GroupCommit(this);
            }
        }
    }

    /// <summary>Which segments of a link's stream <paramref name="self"/> reserves from: the KME whose ID sorts first
    /// takes the even ones. Both ends compute the same answer, so they never cut the same bytes.</summary>
    public static int ParityFor(string self, string peer) => string.CompareOrdinal(self, peer) < 0 ? 0 : 1;

    private bool IsKnown(string sae) => _saes.Contains(sae) || options.RemoteSaes.ContainsKey(sae);

    /// <summary>
    /// Where keys for <paramref name="sae"/> go: the link they are cut from (this KME's own pool, a peer, or the next
    /// hop towards a KME reached by relay), the parity of this side's segments on it, and the KME the SAE is on.
    /// </summary>
    private (string Link, int? Parity, string Destination) Route(string sae)
    {
        if (!options.RemoteSaes.TryGetValue(sae, out string? kme))
        {
            return (LocalLink, null, options.KmeId);
        }

        string next = options.Peers.ContainsKey(kme) ? kme : options.Routes[kme];
        return (next, ParityFor(options.KmeId, next), kme);
    }

    /// <summary>GET status (Section 5.1): the link from the calling master to <paramref name="slave"/>.</summary>
    public ApiResult<Status> GetStatus(string caller, string slave)
    {
        if (!IsKnown(slave))
        {
            return ApiResult<Status>.BadRequest($"unknown slave_SAE_ID '{slave}'");
        }

        var (link, parity, target) = Route(slave);
        long keys = _store.AvailableBytes(link, parity) / (options.KeySize / 8);
        return ApiResult<Status>.Ok(new Status(options.KmeId, target, caller, slave, options.KeySize,
            (int)Math.Min(keys, options.MaxKeyCount), options.MaxKeyCount, options.MaxKeyPerRequest, options.MaxKeySize,
            options.MinKeySize, options.MaxSaeIdCount));
    }

    /// <summary>Get key (Section 5.2): new keys for the calling master, shared with <paramref name="slave"/> and the
    /// additional slaves.</summary>
    public async Task<ApiResult<KeyContainer>> GetEncKeys(string caller, string slave, KeyRequest request, CancellationToken cancel = default)
    {
        if (!IsKnown(slave))
        {
            return ApiResult<KeyContainer>.BadRequest($"unknown slave_SAE_ID '{slave}'");
        }

        if (slave == caller)
        {
            return ApiResult<KeyContainer>.BadRequest("a master SAE cannot request keys shared with itself");
        }

        if (request.ExtensionMandatory.Count > 0)
        {
            string names = string.Join(", ", request.ExtensionMandatory.SelectMany(e => e.Keys));
            return ApiResult<KeyContainer>.BadRequest("not all extension_mandatory parameters are supported", $"unsupported extension_mandatory parameters: {names}");
        }

        if (request.Number < 1 || request.Number > options.MaxKeyPerRequest)
        {
            return ApiResult<KeyContainer>.BadRequest($"number {request.Number} is outside 1..{options.MaxKeyPerRequest} (max_key_per_request)");
        }

        int size = request.Size ?? options.KeySize;
        if (size % 8 != 0 || size < options.MinKeySize || size > options.MaxKeySize)
        {
            return ApiResult<KeyContainer>.BadRequest($"size {size} must be a multiple of 8 bits within {options.MinKeySize}..{options.MaxKeySize}");
        }

        var slaves = new List<string> { slave };
        foreach (string extra in request.AdditionalSlaveSaeIds)
        {
            if (!IsKnown(extra))
            {
                return ApiResult<KeyContainer>.BadRequest($"unknown SAE '{extra}' in additional_slave_SAE_IDs");
            }

            if (extra == caller || slaves.Contains(extra))
            {
                return ApiResult<KeyContainer>.BadRequest($"'{extra}' is listed twice or is the master itself");
            }

            slaves.Add(extra);
        }

        if (slaves.Count > options.MaxSaeIdCount)
        {
            return ApiResult<KeyContainer>.BadRequest($"{slaves.Count} slave SAEs exceed max_SAE_ID_count {options.MaxSaeIdCount}");
        }

        // Keys live on one link: every slave is on this KME or on one other KME (a peer, or one reached by relay).
        var peers = slaves.Select(Route).Where(l => l.Link != LocalLink).Distinct().ToList();
        if (peers.Count > 1)
        {
            return ApiResult<KeyContainer>.BadRequest($"the slaves are attached to different KMEs ({string.Join(", ", peers.Select(p => p.Destination))}); one key stream reaches one of them");
        }

        var (link, parity, destination) = peers.Count == 1 ? peers[0] : (LocalLink, (int?)null, options.KmeId);
        bool remote = link != LocalLink;
        bool relayed = remote && destination != link;
        if (remote && !Health.IsUp(link))
        {
            // Known down: refuse before reserving, so an outage (and every client retrying through it) burns nothing.
            return ApiResult<KeyContainer>.Unavailable($"the peer KME '{link}' is unreachable (since {Health.DownSince(link):O}); no keys were reserved, try again later");
        }

        if (remote && !_burnBudget.TryTake(caller, request.Number))
        {
            return ApiResult<KeyContainer>.Unavailable($"too many of this SAE's keys were lost to failed exchanges with '{link}' in the last minute (max_burned_keys_per_minute {options.MaxBurnedKeysPerMinute}); no keys were reserved, try again later");
        }

        var (reserved, token) = await _commits.Reserve(new ReservationRequest(link, parity, caller, slaves, request.Number, size / 8, remote), cancel);

        if (reserved is null)
        {
            if (remote)
            {
                _burnBudget.Refund(caller, request.Number);
            }

            return ApiResult<KeyContainer>.Unavailable($"not enough key material for {request.Number} keys of {size} bits; try again later");
        }

        var (reservation, keys) = reserved.Value;
        if (remote)
        {
            var ids = keys.Select(k => k.Id).ToList();
            bool recorded = false;
            try
            {
                recorded = relayed
                    ? relay is not null && await relay(link, new RelayRequest(options.KmeId, destination, caller, slaves, ids, reservation, null), cancel)
                    : notifyPeer is not null && await notifyPeer(link, reservation, cancel);
                Health.ReportReachable(link);
            }
            catch (Exception e)
            {
                // Whatever went wrong, the keys were not acknowledged: burn them below, never hand them out. The peer
                // is down until a probe reaches it.
                recorded = false;
                if (!cancel.IsCancellationRequested)
                {
                    // A master that hung up says nothing about the peer; only a failure of the exchange itself does.
                    Health.ReportUnreachable(link, e is OperationCanceledException or TimeoutException ? "no answer in time" : e.GetBaseException().Message);
                }
            }
            finally
            {
                lock (_inFlightGate)
                {
                    _inFlight.Remove(token);
                }
            }

            if (!recorded)
            {
                // The peer may have recorded them before the answer was lost: it is told to burn its copies too (a
                // durable notice, resent until it acknowledges).
                _store.Burn(ids, notify: relayed ? null : [link]);
                _burnBudget.CountBurned(ids.Count);
                foreach (var k in keys)
                {
                    CryptographicOperations.ZeroMemory(k.Material);
                }

                return ApiResult<KeyContainer>.Unavailable(relayed
                    ? $"the relay to '{destination}' through '{link}' did not complete; none were handed out, try again"
                    : $"the peer KME '{link}' did not acknowledge the keys; none were handed out, try again");
            }

            // The slaves behind the peer get their keys there: this KME keeps a copy only for slaves of its own.
            _store.Confirm(ids, servedElsewhere: slaves.Where(s => Route(s).Link != LocalLink).ToList());
            _burnBudget.Refund(caller, request.Number);
        }

        return ApiResult<KeyContainer>.Ok(ToContainer(keys));
    }

    /// <summary>Get key with key IDs (Section 5.3): the calling slave fetches keys that <paramref name="master"/>
    /// obtained for it. Any ID that is not the caller's to fetch gives 401 and nothing is delivered.</summary>
    public ApiResult<KeyContainer> GetDecKeys(string caller, string master, IReadOnlyList<Guid> keyIds)
    {
        if (!IsKnown(master))
        {
            return ApiResult<KeyContainer>.BadRequest($"unknown master_SAE_ID '{master}'");
        }

        if (keyIds.Count == 0 || keyIds.Count > options.MaxKeyPerRequest)
        {
            return ApiResult<KeyContainer>.BadRequest($"key_IDs must hold 1..{options.MaxKeyPerRequest} IDs (got {keyIds.Count})");
        }

        var keys = _store.Deliver(master, caller, keyIds);
        return keys is null
            ? ApiResult<KeyContainer>.Unauthorized("one or more key_IDs are not available to this SAE: unknown, of another SAE pair, or already delivered")
            : ApiResult<KeyContainer>.Ok(ToContainer(keys));
    }

    /// <summary>
    /// Records a reservation the peer KME <paramref name="peer"/> made (the KME-to-KME call). Refused unless its master
    /// is an SAE of that peer and every slave is attached here or to that peer: a peer cannot plant keys for others.
    /// </summary>
    public bool RecordPeerReservation(string peer, Reservation reservation)
    {
        bool OnPeer(string sae) => options.RemoteSaes.TryGetValue(sae, out string? kme) && kme == peer;
        if (!OnPeer(reservation.Master) || reservation.Slaves.Count == 0 || !reservation.Slaves.All(s => _saes.Contains(s) || OnPeer(s)))
        {
            return false;
        }

        // Slaves on the peer are served there: this KME keeps a copy only for its own.
        return _store.RecordPeerReservation(peer, ParityFor(peer, options.KmeId), reservation, servedElsewhere: reservation.Slaves.Where(OnPeer).ToList());
    }

    /// <summary>
    /// One hop of a relay that arrived from <paramref name="peer"/> (modelled on ETSI GS QKD 020): the hop key is cut
    /// from this side's copy of that link's stream, the end-to-end keys are recovered (one-time pad), and then either
    /// recorded here for the slaves (this KME is the destination) or padded again with a fresh hop key of the next
    /// link and sent on. True only once the keys are durably recorded at the destination; the hop keys taken here are
    /// burned whatever happens, as they were only a pad.
    /// </summary>
    public async Task<bool> Relay(string peer, RelayRequest request, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int count = request.KeyIds.Count;
        if (count == 0 || request.Hop.Keys.Count != count || (request.Ciphertexts is { } c && c.Count != count)
            || request.Hop.Keys.Any(k => k.Bytes != request.Hop.Keys[0].Bytes))
        {
            return false;
        }

        var hopKeys = _store.ConsumeForRelay(peer, ParityFor(peer, options.KmeId), request.Hop);
        if (hopKeys is null)
        {
            return false;
        }

        var keys = new List<StoredKey>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                byte[] material = hopKeys[i];
                if (request.Ciphertexts is { } ciphertexts)
                {
                    if (ciphertexts[i].Length != material.Length)
                    {
                        return false;
                    }

                    material = Pad(ciphertexts[i], hopKeys[i]);
                }
                else
                {
                    material = (byte[])material.Clone();
                }

                keys.Add(new StoredKey(request.KeyIds[i], material));
            }

            if (request.Destination == options.KmeId)
            {
                // The master must be an SAE of the origin KME and the slaves SAEs of this one: a relay cannot plant keys for others.
                if (!options.RemoteSaes.TryGetValue(request.Master, out string? origin) || origin != request.Origin || request.Slaves.Count == 0 || !request.Slaves.All(_saes.Contains))
                {
                    return false;
                }

                _store.RecordRelayedKeys(request.Master, request.Slaves, keys);
                return true;
            }

            string? next = options.Peers.ContainsKey(request.Destination) ? request.Destination : options.Routes.GetValueOrDefault(request.Destination);
            if (next is null || next == peer || relay is null)
            {
                return false;
            }

            var (reserved, token) = await _commits.Reserve(new ReservationRequest(next, ParityFor(options.KmeId, next), request.Master, request.Slaves, count, keys[0].Material.Length, Pending: true), cancel);
            if (reserved is null)
            {
                return false;
            }

            var (reservation, outgoing) = reserved.Value;
            bool forwarded = false;
            try
            {
                var padded = keys.Select((k, i) => Pad(k.Material, outgoing[i].Material)).ToList();
                forwarded = await relay(next, request with { Hop = reservation, Ciphertexts = padded }, cancel);
            }
            catch (Exception)
            {
                forwarded = false;
            }
            finally
            {
                lock (_inFlightGate)
                {
                    _inFlight.Remove(token);
                }

                _store.Burn(outgoing.Select(k => k.Id).ToList());
                foreach (var k in outgoing)
                {
                    CryptographicOperations.ZeroMemory(k.Material);
                }
            }

            return forwarded;
        }
        finally
        {
            foreach (var k in keys)
            {
                CryptographicOperations.ZeroMemory(k.Material);
            }

            foreach (var h in hopKeys)
            {
                CryptographicOperations.ZeroMemory(h);
            }
        }
    }

    private static byte[] Pad(byte[] data, byte[] pad)
    {
        var result = new byte[data.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (byte)(data[i] ^ pad[i]);
        }

        return result;
    }

    /// <summary>Burns, at a peer's request, those of <paramref name="ids"/> whose master is an SAE of that peer.</summary>
    public void BurnForPeer(string peer, IReadOnlyList<Guid> ids) =>
        _store.Burn(ids, options.RemoteSaes.Where(r => r.Value == peer).Select(r => r.Key).ToHashSet());

    /// <summary>After a restart: keys left pending were never confirmed to a master, so they are burned here, with a
    /// durable burn notice for every peer (which may have recorded them).</summary>
    public IReadOnlyList<Guid> BurnPending()
    {
        var pending = _store.Pending();
        _store.Burn(pending, notify: options.Peers.Keys.ToList());
        return pending;
    }

    /// <summary>Base64 for the wire; the KMS's own copies are zeroed (the Base64 strings cannot be).</summary>
    private static KeyContainer ToContainer(IReadOnlyList<StoredKey> keys)
    {
        var entries = new List<KeyEntry>(keys.Count);
        foreach (var k in keys)
        {
            entries.Add(new KeyEntry(k.Id.ToString("D"), Convert.ToBase64String(k.Material)));
            CryptographicOperations.ZeroMemory(k.Material);
        }

        return new KeyContainer(entries);
    }

    /// <summary>
    /// Group commit: concurrent enc_keys requests queue here and one writer reserves all that are waiting in a single
    /// transaction, so they share one durable commit. Nobody is answered before that commit.
    /// </summary>
    private sealed class GroupCommit
    {
        private readonly KeyService _service;
        private readonly System.Threading.Channels.Channel<(ReservationRequest Request, TaskCompletionSource<((Reservation, IReadOnlyList<StoredKey>)?, (string, long))> Done)> _queue =
            System.Threading.Channels.Channel.CreateUnbounded<(ReservationRequest, TaskCompletionSource<((Reservation, IReadOnlyList<StoredKey>)?, (string, long))>)>(new() { SingleReader = true });

        public GroupCommit(KeyService service)
        {
            _service = service;
            _ = Task.Run(Loop);
        }

        public async Task<((Reservation Reservation, IReadOnlyList<StoredKey> Keys)? Reserved, (string, long) Token)> Reserve(ReservationRequest request, CancellationToken cancel)
        {
            var done = new TaskCompletionSource<((Reservation, IReadOnlyList<StoredKey>)?, (string, long))>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Writer.TryWrite((request, done));

            // Not cancellable once queued: the writer may already have committed the keys. A caller that has gone
            // leaves them reserved for its SAE pair, burned in effect (nobody knows their IDs).
            var (reserved, token) = await done.Task;
            return (reserved, token);
        }

        private async Task Loop()
        {
            var batch = new List<(ReservationRequest Request, TaskCompletionSource<((Reservation, IReadOnlyList<StoredKey>)?, (string, long))> Done)>();
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < 512 && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                try
                {
                    // This loop is the only writer of reservations, so registering them in flight after the commit
                    // (under the lock that guards the list) still precedes every later reservation's low-water mark.
                    var results = _service._store.ReserveMany(batch.Select(b => b.Request).ToList());
                    lock (_service._inFlightGate)
                    {
                        for (int i = 0; i < batch.Count; i++)
                        {
                            (Reservation Reservation, IReadOnlyList<StoredKey> Keys)? reserved = results[i];
                            (string, long) token = default;
                            if (reserved is not null && batch[i].Request.Pending)
                            {
                                string link = batch[i].Request.Link;
                                token = (link, reserved.Value.Reservation.Keys[0].Segment);
                                _service._inFlight.Add(token);
                                long lowWater = _service._inFlight.Where(f => f.Link == link).Min(f => f.Segment);
                                reserved = (reserved.Value.Reservation with { NextSegment = lowWater }, reserved.Value.Keys);
                            }

                            batch[i].Done.TrySetResult((reserved, token));
                        }
                    }
                }
                catch (Exception e)
                {
                    foreach (var b in batch)
                    {
                        b.Done.TrySetException(e);
                    }
                }
            }
        }
    }
}

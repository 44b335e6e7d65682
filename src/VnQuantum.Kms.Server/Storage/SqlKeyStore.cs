using System.Data.Common;
using System.Security.Cryptography;

namespace VnQuantum.Kms.Storage;

/// <summary>
/// <see cref="IKeyStore"/> over ADO.NET, written once for both databases (<see cref="SqliteKeyStore"/>,
/// <see cref="PostgresKeyStore"/>): every operation one transaction that locks what it changes, key material sealed
/// with <see cref="KeyEncryption"/>. Keys never straddle segments (the tail of a segment too short for the next key is
/// skipped), so a key is one (segment, offset, length).
/// </summary>
internal abstract class SqlKeyStore : IKeyStore
{
    /// <summary>Bytes per stream segment; also the largest key (32768 bits).</summary>
    public const int SegmentBytes = 4096;

    private const int AnyParity = -1;
    private readonly DbConnection _db;
    private readonly KeyEncryption _encryption;
    private readonly string _forUpdate;
    private readonly Lock _gate = new();
    private long _bytesAdded;

    /// <param name="db">An open connection; the store owns it.</param>
    /// <param name="encryption">Seals key material at rest.</param>
    /// <param name="blobType">The column type of byte strings (BLOB, bytea).</param>
    /// <param name="forUpdate">The row-locking suffix of a SELECT (" FOR UPDATE"), empty where a transaction already
    /// locks the whole database.</param>
    protected SqlKeyStore(DbConnection db, KeyEncryption encryption, string blobType, string forUpdate)
    {
        _db = db;
        _encryption = encryption;
        _forUpdate = forUpdate;
        Execute($"""
            CREATE TABLE IF NOT EXISTS pool_link (link TEXT PRIMARY KEY, next_seq BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS pool_segment (link TEXT NOT NULL, seq BIGINT NOT NULL, length INTEGER NOT NULL, sealed {blobType} NOT NULL, PRIMARY KEY (link, seq));
            CREATE TABLE IF NOT EXISTS pool_cursor (link TEXT NOT NULL, parity INTEGER NOT NULL, seq BIGINT NOT NULL, "offset" BIGINT NOT NULL, PRIMARY KEY (link, parity));
            CREATE TABLE IF NOT EXISTS reserved_key (key_id TEXT PRIMARY KEY, master TEXT NOT NULL, slaves TEXT NOT NULL, status TEXT NOT NULL, sealed {blobType} NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS key_slave (key_id TEXT NOT NULL, slave TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (key_id, slave));
            CREATE TABLE IF NOT EXISTS burn_notice (link TEXT NOT NULL, key_id TEXT NOT NULL, PRIMARY KEY (link, key_id));
            """);
    }

    public long AvailableBytes(string link, int? parity)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            var (seq, offset) = Cursor(tx, link, parity);
            using var cmd = Command(tx, """
                SELECT COALESCE(SUM(length), 0) FROM pool_segment
                WHERE link = @link AND seq >= @seq AND (@parity < 0 OR seq % 2 = @parity)
                """, ("@link", link), ("@seq", seq), ("@parity", parity ?? AnyParity));
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) - offset;
        }
    }

    /// <summary>Key bytes this process added to the pool (a counter for metrics).</summary>
    public long BytesAdded => Interlocked.Read(ref _bytesAdded);

    /// <summary>Keys still waiting for a slave, by master and comma-separated slaves.</summary>
    public IReadOnlyDictionary<(string Master, string Slaves), long> StoredKeysByPair()
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = Command(tx, "SELECT master, slaves, COUNT(*) FROM reserved_key WHERE status = 'confirmed' GROUP BY master, slaves");
            using var reader = cmd.ExecuteReader();
            var counts = new Dictionary<(string, string), long>();
            while (reader.Read())
            {
                counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
            }

            return counts;
        }
    }

    public bool HasStream(string link)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = Command(tx, "SELECT COUNT(*) FROM pool_link WHERE link = @link", ("@link", link));
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
    }

    public void AddToPool(string link, ReadOnlySpan<byte> material)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            // Segment numbers only grow, so both ends of a link that receive the same stream number it the same way.
            using (var create = Command(tx, "INSERT INTO pool_link (link, next_seq) VALUES (@link, 0) ON CONFLICT (link) DO NOTHING", ("@link", link)))
            {
                create.ExecuteNonQuery();
            }

            using var next = Command(tx, $"SELECT next_seq FROM pool_link WHERE link = @link{_forUpdate}", ("@link", link));
            long seq = Convert.ToInt64(next.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            for (int start = 0; start < material.Length; start += SegmentBytes, seq++)
            {
                var chunk = material.Slice(start, Math.Min(SegmentBytes, material.Length - start));
                using var insert = Command(tx, "INSERT INTO pool_segment (link, seq, length, sealed) VALUES (@link, @seq, @length, @sealed)",
                    ("@link", link), ("@seq", seq), ("@length", chunk.Length), ("@sealed", _encryption.Seal(chunk, SegmentLabel(link, seq))));
                insert.ExecuteNonQuery();
            }

            using var advance = Command(tx, "INSERT INTO pool_link (link, next_seq) VALUES (@link, @seq) ON CONFLICT (link) DO UPDATE SET next_seq = excluded.next_seq",
                ("@link", link), ("@seq", seq));
            advance.ExecuteNonQuery();
            tx.Commit();
            Interlocked.Add(ref _bytesAdded, material.Length);
        }
    }

    public (Reservation Reservation, IReadOnlyList<StoredKey> Keys)? Reserve(string link, int? parity, string master, IReadOnlyList<string> slaves, int count, int bytes, bool pending) =>
        ReserveMany([new ReservationRequest(link, parity, master, slaves, count, bytes, pending)])[0];

    public IReadOnlyList<(Reservation Reservation, IReadOnlyList<StoredKey> Keys)?> ReserveMany(IReadOnlyList<ReservationRequest> requests)
    {
        lock (_gate)
        {
            // One transaction, one durable commit for the whole batch (group commit); requests on the same stream share
            // one cursor read, one walk over the segments, one cursor update.
            using var tx = _db.BeginTransaction();
            var results = new (Reservation, IReadOnlyList<StoredKey>)?[requests.Count];
            // A key never straddles segments, so one larger than a segment cannot be served (null, like an empty pool).
            foreach (var group in requests.Select((r, i) => (Request: r, Index: i)).Where(x => x.Request.Bytes <= SegmentBytes)
                .GroupBy(x => (x.Request.Link, x.Request.Parity)))
            {
                ReserveStream(tx, group.Key.Link, group.Key.Parity, group.ToList(), results);
            }

            tx.Commit();
            return results;
        }
    }

    private void ReserveStream(DbTransaction tx, string link, int? parity, List<(ReservationRequest Request, int Index)> requests, (Reservation, IReadOnlyList<StoredKey>)?[] results)
    {
        var (cursorSeq, cursorOffset) = Cursor(tx, link, parity, lockRow: true);
        var opened = new List<byte[]>();
        try
        {
            long seq = cursorSeq;
            int offset = (int)cursorOffset;
            bool moved = false;
            byte[]? plain = null;
            using (var read = Command(tx, """
                SELECT seq, sealed FROM pool_segment
                WHERE link = @link AND seq >= @seq AND (@parity < 0 OR seq % 2 = @parity) ORDER BY seq
                """, ("@link", link), ("@seq", cursorSeq), ("@parity", parity ?? AnyParity)))
            using (var reader = read.ExecuteReader())
            {
                bool exhausted = false;
                foreach (var (request, index) in requests)
                {
                    // Each request takes its keys whole or not at all; a failed one leaves the cursor where it was.
                    var (keySeq, keyOffset, keyPlain) = (seq, offset, plain);
                    var locations = new List<KeyLocation>(request.Count);
                    var keys = new List<StoredKey>(request.Count);
                    while (!exhausted && keys.Count < request.Count)
                    {
                        if (keyPlain is null || keyPlain.Length - keyOffset < request.Bytes)
                        {
                            if (!reader.Read())
                            {
                                exhausted = true;
                                break;
                            }

                            keySeq = reader.GetInt64(0);
                            keyPlain = _encryption.Open((byte[])reader[1], SegmentLabel(link, keySeq));
                            opened.Add(keyPlain);
                            keyOffset = keySeq == cursorSeq ? (int)cursorOffset : 0;
                            continue;
                        }

                        var id = Guid.NewGuid();
                        keys.Add(new StoredKey(id, keyPlain.AsSpan(keyOffset, request.Bytes).ToArray()));
                        locations.Add(new KeyLocation(id, keySeq, keyOffset, request.Bytes));
                        keyOffset += request.Bytes;
                    }

                    if (keys.Count < request.Count)
                    {
                        foreach (var k in keys)
                        {
                            CryptographicOperations.ZeroMemory(k.Material);
                        }

                        results[index] = null;
                        continue;
                    }

                    (seq, offset, plain) = (keySeq, keyOffset, keyPlain);
                    moved = true;
                    results[index] = (new Reservation(request.Master, request.Slaves, locations, seq), keys);
                }
            }

            // Writes only after the reader is closed: Npgsql runs one command at a time per connection. The two
            // inserts are prepared once and re-run for every key of the batch.
            using var insertKey = Command(tx, "INSERT INTO reserved_key (key_id, master, slaves, status, sealed, created) VALUES (@id, @master, @slaves, @status, @sealed, @created)",
                ("@id", ""), ("@master", ""), ("@slaves", ""), ("@status", ""), ("@sealed", Array.Empty<byte>()), ("@created", ""));
            using var insertSlave = Command(tx, "INSERT INTO key_slave (key_id, slave) VALUES (@id, @slave)", ("@id", ""), ("@slave", ""));
            string created = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (request, index) in requests)
            {
                if (results[index] is not { } done)
                {
                    continue;
                }

                string slaveList = string.Join(",", request.Slaves);
                foreach (var key in done.Item2)
                {
                    string id = key.Id.ToString("D");
                    insertKey.Parameters["@id"].Value = id;
                    insertKey.Parameters["@master"].Value = request.Master;
                    insertKey.Parameters["@slaves"].Value = slaveList;
                    insertKey.Parameters["@status"].Value = request.Pending ? "pending" : "confirmed";
                    insertKey.Parameters["@sealed"].Value = _encryption.Seal(key.Material, KeyLabel(key.Id, request.Master, slaveList));
                    insertKey.Parameters["@created"].Value = created;
                    insertKey.ExecuteNonQuery();
                    foreach (string slave in request.Slaves)
                    {
                        insertSlave.Parameters["@id"].Value = id;
                        insertSlave.Parameters["@slave"].Value = slave;
                        insertSlave.ExecuteNonQuery();
                    }
                }
            }

            if (!moved)
            {
                return;
            }

            // This side's segments below the new cursor are used up.
            using (var delete = Command(tx, "DELETE FROM pool_segment WHERE link = @link AND seq < @seq AND (@parity < 0 OR seq % 2 = @parity)",
                ("@link", link), ("@seq", seq), ("@parity", parity ?? AnyParity)))
            {
                delete.ExecuteNonQuery();
            }

            SetCursor(tx, link, parity, seq, offset);

            // The bytes before the cursor in the segment it stops in are keys now (sealed under their own IDs): the
            // segment keeps only zeros in their place, so no copy outlives the keys' delivery.
            if (offset > 0 && plain is not null)
            {
                CryptographicOperations.ZeroMemory(plain.AsSpan(0, offset));
                ResealSegment(tx, link, seq, plain);
            }
        }
        finally
        {
            foreach (var p in opened)
            {
                CryptographicOperations.ZeroMemory(p);
            }
        }
    }

    public void Confirm(IReadOnlyList<Guid> ids, IReadOnlyCollection<string>? servedElsewhere = null)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            foreach (var id in ids)
            {
                using var cmd = Command(tx, "UPDATE reserved_key SET status = 'confirmed' WHERE key_id = @id AND status = 'pending'", ("@id", id.ToString("D")));
                cmd.ExecuteNonQuery();
                foreach (string slave in servedElsewhere ?? [])
                {
                    // The peer delivers to this slave: this side's copy for it is done with.
                    using var done = Command(tx, "UPDATE key_slave SET delivered = 1 WHERE key_id = @id AND slave = @slave", ("@id", id.ToString("D")), ("@slave", slave));
                    done.ExecuteNonQuery();
                }

                EraseIfDelivered(tx, id);
            }

            tx.Commit();
        }
    }

    public void Burn(IReadOnlyList<Guid> ids, IReadOnlySet<string>? masters = null, IReadOnlyCollection<string>? notify = null)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            foreach (string peer in notify ?? [])
            {
                // In the same transaction as the burn: a crash cannot burn here and forget to tell the peer.
                using var notice = Command(tx, "INSERT INTO burn_notice (link, key_id) VALUES (@link, @id) ON CONFLICT (link, key_id) DO NOTHING", ("@link", peer), ("@id", ""));
                foreach (var id in ids)
                {
                    notice.Parameters["@id"].Value = id.ToString("D");
                    notice.ExecuteNonQuery();
                }
            }

            foreach (var id in ids)
            {
                if (masters is not null)
                {
                    using var owner = Command(tx, "SELECT master FROM reserved_key WHERE key_id = @id", ("@id", id.ToString("D")));
                    object? found = owner.ExecuteScalar();
                    if (found is null)
                    {
                        // A burn notice can overtake the reservation it burns: the tombstone makes the late
                        // reservation a known ID, skipped, so the keys are never recorded here.
                        using var tombstone = Command(tx, "INSERT INTO reserved_key (key_id, master, slaves, status, sealed, created) VALUES (@id, '', '', 'burned', @empty, @created)",
                            ("@id", id.ToString("D")), ("@empty", Array.Empty<byte>()), ("@created", DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
                        tombstone.ExecuteNonQuery();
                        continue;
                    }

                    if (found is not string master || !masters.Contains(master))
                    {
                        continue;
                    }
                }

                using var burn = Command(tx, """
                    UPDATE reserved_key SET status = 'burned', sealed = @empty WHERE key_id = @id;
                    DELETE FROM key_slave WHERE key_id = @id;
                    """, ("@id", id.ToString("D")), ("@empty", Array.Empty<byte>()));
                burn.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public IReadOnlyList<Guid> BurnNotices(string peer, int limit)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = Command(tx, "SELECT key_id FROM burn_notice WHERE link = @link ORDER BY key_id LIMIT @limit", ("@link", peer), ("@limit", limit));
            using var reader = cmd.ExecuteReader();
            var ids = new List<Guid>();
            while (reader.Read())
            {
                ids.Add(Guid.Parse(reader.GetString(0)));
            }

            return ids;
        }
    }

    public void ClearBurnNotices(string peer, IReadOnlyList<Guid> ids)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = Command(tx, "DELETE FROM burn_notice WHERE link = @link AND key_id = @id", ("@link", peer), ("@id", ""));
            foreach (var id in ids)
            {
                cmd.Parameters["@id"].Value = id.ToString("D");
                cmd.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public int BurnUndeliveredOlderThan(DateTime cutoff)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            var ids = new List<string>();
            using (var find = Command(tx, "SELECT key_id FROM reserved_key WHERE status = 'confirmed' AND created < @cutoff",
                ("@cutoff", cutoff.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture))))
            using (var reader = find.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                }
            }

            foreach (string id in ids)
            {
                using var burn = Command(tx, """
                    UPDATE reserved_key SET status = 'expired', sealed = @empty WHERE key_id = @id;
                    DELETE FROM key_slave WHERE key_id = @id;
                    """, ("@id", id), ("@empty", Array.Empty<byte>()));
                burn.ExecuteNonQuery();
            }

            tx.Commit();
            return ids.Count;
        }
    }

    public virtual void Compact()
    {
    }

    public IReadOnlyList<Guid> Pending()
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = Command(tx, "SELECT key_id FROM reserved_key WHERE status = 'pending'");
            using var reader = cmd.ExecuteReader();
            var ids = new List<Guid>();
            while (reader.Read())
            {
                ids.Add(Guid.Parse(reader.GetString(0)));
            }

            return ids;
        }
    }

    public bool RecordPeerReservation(string link, int peerParity, Reservation reservation, IReadOnlyCollection<string>? servedElsewhere = null) =>
        CutPeerBytes(link, peerParity, reservation, skipKnown: true, (tx, key, material) =>
        {
            InsertKey(tx, key.Id, reservation.Master, reservation.Slaves, material, "confirmed");
            CryptographicOperations.ZeroMemory(material);
            foreach (string slave in servedElsewhere ?? [])
            {
                using var done = Command(tx, "UPDATE key_slave SET delivered = 1 WHERE key_id = @id AND slave = @slave", ("@id", key.Id.ToString("D")), ("@slave", slave));
                done.ExecuteNonQuery();
            }

            EraseIfDelivered(tx, key.Id);
        });

    public IReadOnlyList<byte[]>? ConsumeForRelay(string link, int peerParity, Reservation hop)
    {
        var materials = new List<byte[]>(hop.Keys.Count);
        bool cut = CutPeerBytes(link, peerParity, hop, skipKnown: false, (tx, key, material) =>
        {
            // A tombstone keeps the ID known, so the same bytes are never taken twice.
            InsertKey(tx, key.Id, hop.Master, [], [], "relayed");
            materials.Add(material);
        });
        if (!cut)
        {
            foreach (var m in materials)
            {
                CryptographicOperations.ZeroMemory(m);
            }

            return null;
        }

        return materials;
    }

    public void RecordRelayedKeys(string master, IReadOnlyList<string> slaves, IReadOnlyList<StoredKey> keys)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            foreach (var key in keys)
            {
                using var known = Command(tx, "SELECT 1 FROM reserved_key WHERE key_id = @id", ("@id", key.Id.ToString("D")));
                if (known.ExecuteScalar() is null)
                {
                    InsertKey(tx, key.Id, master, slaves, key.Material, "confirmed");
                }
            }

            tx.Commit();
        }
    }

    /// <summary>
    /// Cuts the keys of a peer's reservation from this side's copy of the stream, one transaction: each key's bytes go
    /// to <paramref name="take"/> (inside the transaction), and the peer's segments below its next segment are dropped.
    /// Known IDs are skipped (<paramref name="skipKnown"/>) or refuse the whole reservation.
    /// </summary>
    private bool CutPeerBytes(string link, int peerParity, Reservation reservation, bool skipKnown, Action<DbTransaction, KeyLocation, byte[]> take)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            var segments = new Dictionary<long, byte[]>();
            try
            {
                foreach (var key in reservation.Keys)
                {
                    using (var known = Command(tx, "SELECT 1 FROM reserved_key WHERE key_id = @id", ("@id", key.Id.ToString("D"))))
                    {
                        if (known.ExecuteScalar() is not null)
                        {
                            if (skipKnown)
                            {
                                continue;
                            }

                            return false;
                        }
                    }

                    if (key.Segment % 2 != peerParity)
                    {
                        return false;
                    }

                    if (!segments.TryGetValue(key.Segment, out var plain))
                    {
                        using var read = Command(tx, "SELECT sealed FROM pool_segment WHERE link = @link AND seq = @seq", ("@link", link), ("@seq", key.Segment));
                        if (read.ExecuteScalar() is not byte[] sealedBytes)
                        {
                            return false;
                        }

                        plain = _encryption.Open(sealedBytes, SegmentLabel(link, key.Segment));
                        segments[key.Segment] = plain;
                    }

                    if (key.Offset < 0 || key.Bytes <= 0 || key.Offset + key.Bytes > plain.Length)
                    {
                        return false;
                    }

                    take(tx, key, plain.AsSpan(key.Offset, key.Bytes).ToArray());
                    CryptographicOperations.ZeroMemory(plain.AsSpan(key.Offset, key.Bytes));
                }

                // The cut bytes live on as keys under their own IDs; the segments keep zeros in their place.
                foreach (var (segment, plain) in segments)
                {
                    ResealSegment(tx, link, segment, plain);
                }

                using (var delete = Command(tx, "DELETE FROM pool_segment WHERE link = @link AND seq < @seq AND seq % 2 = @parity",
                    ("@link", link), ("@seq", reservation.NextSegment), ("@parity", peerParity)))
                {
                    delete.ExecuteNonQuery();
                }

                tx.Commit();
                return true;
            }
            finally
            {
                foreach (var p in segments.Values)
                {
                    CryptographicOperations.ZeroMemory(p);
                }
            }
        }
    }

    public IReadOnlyList<StoredKey>? Deliver(string master, string slave, IReadOnlyList<Guid> ids)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            var keys = new List<StoredKey>(ids.Count);
            if (ids.Distinct().Count() != ids.Count)
            {
                return null;
            }

            foreach (var id in ids)
            {
                using var read = Command(tx, $"""
                    SELECT k.slaves, k.sealed FROM reserved_key k JOIN key_slave s ON s.key_id = k.key_id
                    WHERE k.key_id = @id AND k.master = @master AND k.status = 'confirmed' AND s.slave = @slave AND s.delivered = 0{_forUpdate}
                    """, ("@id", id.ToString("D")), ("@master", master), ("@slave", slave));
                using var reader = read.ExecuteReader();
                if (!reader.Read())
                {
                    foreach (var k in keys)
                    {
                        CryptographicOperations.ZeroMemory(k.Material);
                    }

                    return null;
                }

                keys.Add(new StoredKey(id, _encryption.Open((byte[])reader[1], KeyLabel(id, master, reader.GetString(0)))));
            }

            foreach (var id in ids)
            {
                // A key's material goes when its last slave has it; the row stays as a tombstone (status 'delivered').
                using var mark = Command(tx, "UPDATE key_slave SET delivered = 1 WHERE key_id = @id AND slave = @slave", ("@id", id.ToString("D")), ("@slave", slave));
                mark.ExecuteNonQuery();
                EraseIfDelivered(tx, id);
            }

            tx.Commit();
            return keys;
        }
    }

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string SegmentLabel(string link, long seq) => $"pool:{link}:{seq}";

    private static string KeyLabel(Guid id, string master, string slaves) => $"key:{id:D}|master:{master}|slaves:{slaves}";

    private void InsertKey(DbTransaction tx, Guid id, string master, IReadOnlyList<string> slaves, byte[] material, string status)
    {
        string slaveList = string.Join(",", slaves);
        using var insert = Command(tx, "INSERT INTO reserved_key (key_id, master, slaves, status, sealed, created) VALUES (@id, @master, @slaves, @status, @sealed, @created)",
            ("@id", id.ToString("D")), ("@master", master), ("@slaves", slaveList), ("@status", status),
            ("@sealed", _encryption.Seal(material, KeyLabel(id, master, slaveList))),
            ("@created", DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        insert.ExecuteNonQuery();
        foreach (string slave in slaves)
        {
            using var link = Command(tx, "INSERT INTO key_slave (key_id, slave) VALUES (@id, @slave)", ("@id", id.ToString("D")), ("@slave", slave));
            link.ExecuteNonQuery();
        }
    }

    /// <summary>A key's material goes when its last slave has it; the row stays as a tombstone (status 'delivered')
    /// with what the audit needs: ID, master, slaves, time.</summary>
    private void EraseIfDelivered(DbTransaction tx, Guid id)
    {
        using var erase = Command(tx, """
            UPDATE reserved_key SET status = 'delivered', sealed = @empty
            WHERE key_id = @id AND status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM key_slave WHERE key_id = @id AND delivered = 0)
            """, ("@id", id.ToString("D")), ("@empty", Array.Empty<byte>()));
        erase.ExecuteNonQuery();
    }

    private void ResealSegment(DbTransaction tx, string link, long seq, byte[] plain)
    {
        using var update = Command(tx, "UPDATE pool_segment SET sealed = @sealed WHERE link = @link AND seq = @seq",
            ("@sealed", _encryption.Seal(plain, SegmentLabel(link, seq))), ("@link", link), ("@seq", seq));
        update.ExecuteNonQuery();
    }

    /// <summary>Runs <paramref name="sql"/> outside any transaction and returns its first value as a number.</summary>
    protected long ScalarOutsideTransaction(string sql)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Runs <paramref name="sql"/> outside any transaction (checkpoints, VACUUM).</summary>
    protected void ExecuteOutsideTransaction(string sql)
    {
        lock (_gate)
        {
            Execute(sql);
        }
    }

    private (long Seq, long Offset) Cursor(DbTransaction tx, string link, int? parity, bool lockRow = false)
    {
        if (lockRow)
        {
            // Lock the cursor row (creating it first), so two nodes on one database cannot reserve the same bytes.
            using var create = Command(tx, """
                INSERT INTO pool_cursor (link, parity, seq, "offset") VALUES (@link, @parity, 0, 0) ON CONFLICT (link, parity) DO NOTHING
                """, ("@link", link), ("@parity", parity ?? AnyParity));
            create.ExecuteNonQuery();
        }

        using var cmd = Command(tx, $"""
            SELECT seq, "offset" FROM pool_cursor WHERE link = @link AND parity = @parity{(lockRow ? _forUpdate : "")}
            """, ("@link", link), ("@parity", parity ?? AnyParity));
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    private void SetCursor(DbTransaction tx, string link, int? parity, long seq, long offset)
    {
        using var cmd = Command(tx, """
            INSERT INTO pool_cursor (link, parity, seq, "offset") VALUES (@link, @parity, @seq, @offset)
            ON CONFLICT (link, parity) DO UPDATE SET seq = excluded.seq, "offset" = excluded."offset"
            """, ("@link", link), ("@parity", parity ?? AnyParity), ("@seq", seq), ("@offset", offset));
        cmd.ExecuteNonQuery();
    }

    private DbCommand Command(DbTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            cmd.Parameters.Add(parameter);
        }

        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

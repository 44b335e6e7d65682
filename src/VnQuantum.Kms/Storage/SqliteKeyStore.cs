using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace VnQuantum.Kms.Storage;

/// <summary>
/// <see cref="IKeyStore"/> in one SQLite file: WAL journal, synchronous=FULL (a commit survives power loss), each
/// operation one IMMEDIATE transaction. Key material is sealed with <see cref="KeyEncryption"/>.
/// </summary>
public sealed class SqliteKeyStore : IKeyStore
{
    private const int SegmentBytes = 4096;
    private readonly SqliteConnection _db;
    private readonly KeyEncryption _encryption;
    private readonly Lock _gate = new();

    public SqliteKeyStore(string path, KeyEncryption encryption)
    {
        _encryption = encryption;
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS pool_segment (seq INTEGER PRIMARY KEY AUTOINCREMENT, length INTEGER NOT NULL, sealed BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS pool_cursor (id INTEGER PRIMARY KEY CHECK (id = 0), seq INTEGER NOT NULL, offset INTEGER NOT NULL);
            INSERT OR IGNORE INTO pool_cursor (id, seq, offset) VALUES (0, 0, 0);
            CREATE TABLE IF NOT EXISTS reserved_key (key_id TEXT PRIMARY KEY, master TEXT NOT NULL, slaves TEXT NOT NULL, sealed BLOB NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS key_slave (key_id TEXT NOT NULL, slave TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (key_id, slave));
            """);
    }

    public long AvailableBytes()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = """
                SELECT COALESCE((SELECT SUM(length) FROM pool_segment), 0)
                     - COALESCE((SELECT c.offset FROM pool_cursor c JOIN pool_segment s ON s.seq = c.seq WHERE c.id = 0), 0)
                """;
            return (long)cmd.ExecuteScalar()!;
        }
    }

    public void AddToPool(ReadOnlySpan<byte> material)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            for (int start = 0; start < material.Length; start += SegmentBytes)
            {
                var chunk = material.Slice(start, Math.Min(SegmentBytes, material.Length - start));
                using var insert = _db.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO pool_segment (length, sealed) VALUES ($length, zeroblob(0)) RETURNING seq";
                insert.Parameters.AddWithValue("$length", chunk.Length);
                long seq = (long)insert.ExecuteScalar()!;
                using var update = _db.CreateCommand();
                update.Transaction = tx;
                update.CommandText = "UPDATE pool_segment SET sealed = $sealed WHERE seq = $seq";
                update.Parameters.AddWithValue("$sealed", _encryption.Seal(chunk, SegmentLabel(seq)));
                update.Parameters.AddWithValue("$seq", seq);
                update.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public IReadOnlyList<StoredKey>? Reserve(string master, IReadOnlyList<string> slaves, int count, int bytes)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            long needed = (long)count * bytes;
            var (cursorSeq, offset) = Cursor(tx);
            var segments = new List<(long Seq, byte[] Plain)>();
            long have = 0;
            using (var read = _db.CreateCommand())
            {
                read.Transaction = tx;
                read.CommandText = "SELECT seq, sealed FROM pool_segment WHERE seq >= $seq ORDER BY seq";
                read.Parameters.AddWithValue("$seq", cursorSeq);
                using var reader = read.ExecuteReader();
                while (have < needed + offset && reader.Read())
                {
                    long seq = reader.GetInt64(0);
                    byte[] plain = _encryption.Open((byte[])reader[1], SegmentLabel(seq));
                    segments.Add((seq, plain));
                    have += plain.Length;
                }
            }

            try
            {
                if (segments.Count == 0 || have - (segments[0].Seq == cursorSeq ? offset : 0) < needed)
                {
                    return null;
                }

                // Walk the stream from the cursor, cutting keys.
                int segment = 0;
                long position = segments[0].Seq == cursorSeq ? offset : 0;
                var keys = new List<StoredKey>(count);
                string slaveList = string.Join(",", slaves);
                string created = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                for (int k = 0; k < count; k++)
                {
                    var material = new byte[bytes];
                    for (int filled = 0; filled < bytes;)
                    {
                        var plain = segments[segment].Plain;
                        int take = (int)Math.Min(bytes - filled, plain.Length - position);
                        plain.AsSpan((int)position, take).CopyTo(material.AsSpan(filled));
                        filled += take;
                        position += take;
                        if (position == plain.Length)
                        {
                            segment++;
                            position = 0;
                        }
                    }

                    var id = Guid.NewGuid();
                    using var insert = _db.CreateCommand();
                    insert.Transaction = tx;
                    insert.CommandText = "INSERT INTO reserved_key (key_id, master, slaves, sealed, created) VALUES ($id, $master, $slaves, $sealed, $created)";
                    insert.Parameters.AddWithValue("$id", id.ToString("D"));
                    insert.Parameters.AddWithValue("$master", master);
                    insert.Parameters.AddWithValue("$slaves", slaveList);
                    insert.Parameters.AddWithValue("$sealed", _encryption.Seal(material, KeyLabel(id, master, slaveList)));
                    insert.Parameters.AddWithValue("$created", created);
                    insert.ExecuteNonQuery();
                    foreach (string slave in slaves)
                    {
                        using var link = _db.CreateCommand();
                        link.Transaction = tx;
                        link.CommandText = "INSERT INTO key_slave (key_id, slave) VALUES ($id, $slave)";
                        link.Parameters.AddWithValue("$id", id.ToString("D"));
                        link.Parameters.AddWithValue("$slave", slave);
                        link.ExecuteNonQuery();
                    }

                    keys.Add(new StoredKey(id, material));
                }

                // Segments fully used are deleted; the cursor moves to where the next key starts.
                long nextSeq = segment < segments.Count ? segments[segment].Seq : segments[^1].Seq + 1;
                using (var delete = _db.CreateCommand())
                {
                    delete.Transaction = tx;
                    delete.CommandText = "DELETE FROM pool_segment WHERE seq < $seq";
                    delete.Parameters.AddWithValue("$seq", nextSeq);
                    delete.ExecuteNonQuery();
                }

                SetCursor(tx, nextSeq, segment < segments.Count ? position : 0);
                tx.Commit();
                return keys;
            }
            finally
            {
                foreach (var (_, plain) in segments)
                {
                    CryptographicOperations.ZeroMemory(plain);
                }
            }
        }
    }

    public IReadOnlyList<StoredKey>? Deliver(string master, string slave, IReadOnlyList<Guid> ids)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            var keys = new List<StoredKey>(ids.Count);
            if (ids.Distinct().Count() != ids.Count)
            {
                return null;
            }

            foreach (var id in ids)
            {
                using var read = _db.CreateCommand();
                read.Transaction = tx;
                read.CommandText = """
                    SELECT k.slaves, k.sealed FROM reserved_key k JOIN key_slave s ON s.key_id = k.key_id
                    WHERE k.key_id = $id AND k.master = $master AND s.slave = $slave AND s.delivered = 0
                    """;
                read.Parameters.AddWithValue("$id", id.ToString("D"));
                read.Parameters.AddWithValue("$master", master);
                read.Parameters.AddWithValue("$slave", slave);
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
                using var mark = _db.CreateCommand();
                mark.Transaction = tx;
                mark.CommandText = """
                    UPDATE key_slave SET delivered = 1 WHERE key_id = $id AND slave = $slave;
                    DELETE FROM reserved_key WHERE key_id = $id AND NOT EXISTS (SELECT 1 FROM key_slave WHERE key_id = $id AND delivered = 0);
                    """;
                mark.Parameters.AddWithValue("$id", id.ToString("D"));
                mark.Parameters.AddWithValue("$slave", slave);
                mark.ExecuteNonQuery();
            }

            tx.Commit();
            return keys;
        }
    }

    public void Dispose() => _db.Dispose();

    private static string SegmentLabel(long seq) => $"pool-segment:{seq}";

    private static string KeyLabel(Guid id, string master, string slaves) => $"key:{id:D}|master:{master}|slaves:{slaves}";

    private (long Seq, long Offset) Cursor(SqliteTransaction tx)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT seq, offset FROM pool_cursor WHERE id = 0";
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private void SetCursor(SqliteTransaction tx, long seq, long offset)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE pool_cursor SET seq = $seq, offset = $offset WHERE id = 0";
        cmd.Parameters.AddWithValue("$seq", seq);
        cmd.Parameters.AddWithValue("$offset", offset);
        cmd.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

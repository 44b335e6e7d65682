using Microsoft.Data.Sqlite;

namespace VnQuantum.Kms.Storage;

/// <summary>
/// The default store: one SQLite file, WAL journal, synchronous=FULL (a commit survives power loss); every operation is
/// one IMMEDIATE transaction, which locks the whole database, so no row locks are needed. secure_delete makes SQLite
/// overwrite deleted and replaced content with zeros, and <see cref="Compact"/> checkpoints and truncates the WAL, so the
/// sealed bytes of a delivered key are gone from both files, not just unreachable.
/// </summary>
internal sealed class SqliteKeyStore(string path, KeyEncryption encryption)
    : SqlKeyStore(Open(path), encryption, blobType: "BLOB", forUpdate: "")
{
    private static SqliteConnection Open(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var pragmas = db.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;";
        pragmas.ExecuteNonQuery();
        return db;
    }

    /// <summary>Copies the WAL into the database and truncates it to zero bytes (old page images, which may hold
    /// sealed key bytes that were since erased, go with it).</summary>
    public override void Compact() => ExecuteOutsideTransaction("PRAGMA wal_checkpoint(TRUNCATE)");

    /// <summary>Pages the database has now.</summary>
    internal long PageCount() => ScalarOutsideTransaction("PRAGMA page_count");

    /// <summary>Caps the database at <paramref name="pages"/> pages: a write that needs more fails with SQLITE_FULL,
    /// the error a full disk gives (the fault suite's full disk).</summary>
    internal void LimitPages(long pages) => ScalarOutsideTransaction($"PRAGMA max_page_count = {pages}");
}

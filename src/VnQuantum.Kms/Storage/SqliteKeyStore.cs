using Microsoft.Data.Sqlite;

namespace VnQuantum.Kms.Storage;

/// <summary>
/// The default store: one SQLite file, WAL journal, synchronous=FULL (a commit survives power loss); every operation is
/// one IMMEDIATE transaction, which locks the whole database, so no row locks are needed.
/// </summary>
public sealed class SqliteKeyStore(string path, KeyEncryption encryption)
    : SqlKeyStore(Open(path), encryption, blobType: "BLOB", forUpdate: "")
{
    private static SqliteConnection Open(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var pragmas = db.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
        pragmas.ExecuteNonQuery();
        return db;
    }
}

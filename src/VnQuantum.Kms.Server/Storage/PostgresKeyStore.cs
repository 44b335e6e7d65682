using Npgsql;

namespace VnQuantum.Kms.Storage;

/// <summary>
/// The store for several KME nodes sharing one database: PostgreSQL through Npgsql, each operation a READ COMMITTED
/// transaction that locks the rows it changes (SELECT … FOR UPDATE on the stream cursor and on the keys delivered).
/// </summary>
internal sealed class PostgresKeyStore(string connectionString, KeyEncryption encryption, string schema = "public")
    : SqlKeyStore(Open(connectionString, schema), encryption, blobType: "bytea", forUpdate: " FOR UPDATE")
{
    /// <summary>VACUUM of the key tables: dead row versions (which hold the sealed bytes of erased keys) become free
    /// space. PostgreSQL has no secure delete; the space is reused, not zeroed, until VACUUM FULL rewrites the table.</summary>
    public override void Compact() => ExecuteOutsideTransaction("VACUUM reserved_key, pool_segment");

    private static NpgsqlConnection Open(string connectionString, string schema)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z_][a-z0-9_]*$"))
        {
            throw new ArgumentException($"schema '{schema}' must be a lower-case SQL identifier", nameof(schema));
        }

        var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ToString());
        db.Open();
        using var create = db.CreateCommand();
        create.CommandText = $"CREATE SCHEMA IF NOT EXISTS {schema}";
        create.ExecuteNonQuery();
        return db;
    }
}

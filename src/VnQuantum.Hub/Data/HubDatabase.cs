using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace VnQuantum.Hub.Data;

/// <summary>Which database the hub uses: handed to the job workers, which open it themselves.</summary>
public sealed record HubStorage(string Provider, string Connection);

/// <summary>
/// Brings the database to this version's schema on start with EF Core migrations (Data/Migrations/Sqlite and
/// Data/Migrations/Postgres): a new database is created and seeded with the sample data, an existing one migrated, its
/// data kept. A database made before migrations (by EnsureCreated, its schema's fingerprint in hub_schema) is adopted
/// when its schema is the first migration's, recreated when it holds only the bundled sample data, and otherwise
/// refused — changing nothing — with a message.
/// </summary>
public static class HubDatabase
{
    /// <summary>Whether <paramref name="provider"/> names PostgreSQL ("postgres") rather than SQLite (the default, "sqlite").</summary>
    public static bool IsPostgres(string? provider) => provider?.ToLowerInvariant() switch
    {
        null or "" or "sqlite" => false,
        "postgres" or "postgresql" => true,
        _ => throw new InvalidOperationException($"Hub:Database is '{provider}'; use sqlite (the default) or postgres."),
    };

    /// <summary>Registers the hub's database for <paramref name="provider"/>; <paramref name="more"/> adds to its options.</summary>
    public static void Add(IServiceCollection services, string? provider, string connection, Action<IServiceProvider, DbContextOptionsBuilder>? more = null)
    {
        if (IsPostgres(provider))
        {
            services.AddDbContext<HubDbContext, PostgresHubDbContext>((sp, options) => { options.UseNpgsql(connection); more?.Invoke(sp, options); });
        }
        else
        {
            services.AddDbContext<HubDbContext, SqliteHubDbContext>((sp, options) => { options.UseSqlite(connection); more?.Invoke(sp, options); });
        }
    }

    /// <summary>
    /// A PostgreSQL connection string with its pool capped at <paramref name="connections"/> unless it names a size
    /// itself (Npgsql's default, 100, is all of a default server's slots: two nodes under load would take them all).
    /// </summary>
    public static string WithPoolSize(string? provider, string connection, int connections)
    {
        if (!IsPostgres(provider))
        {
            return connection;
        }

        // The keys as written (Npgsql's builder would report its default as if given): Maximum Pool Size or MaxPoolSize, in any case.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connection };
        bool sized = written.Keys.Cast<string>().Any(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant() is "MAXIMUMPOOLSIZE" or "MAXPOOLSIZE");
        return sized ? connection : new Npgsql.NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = connections }.ConnectionString;
    }

    /// <summary>A context outside the web host (job workers, tests, benchmarks).</summary>
    public static HubDbContext Open(string? provider, string connection) => IsPostgres(provider)
        ? new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql(connection).Options)
        : new SqliteHubDbContext(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite(connection).Options);

    public static async Task PrepareAsync(HubDbContext db, ILogger logger, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(logger);
        if (db.Database.IsSqlite() && db.Database.GetDbConnection().DataSource is { Length: > 0 } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            // Password hashes and members' details: the folder is the owner's alone when the hub makes it.
            VnQuantum.Kms.PrivateFile.CreateFolder(folder);
        }

        await AdoptPreMigrationDatabaseAsync(db, logger, cancel);
        await db.Database.MigrateAsync(cancel);
        if (db.Database.IsSqlite())
        {
            // Job workers write progress from their own processes: WAL lets them and the pages read and write together.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", cancel);
        }

        if (!await db.Roles.AnyAsync(r => r.Name == HubRoles.NetworkAdmin, cancel))
        {
            db.Roles.Add(new IdentityRole(HubRoles.NetworkAdmin) { NormalizedName = HubRoles.NetworkAdmin.ToUpperInvariant() });
            await db.SaveChangesAsync(cancel);
        }

        SampleData.SeedIfEmpty(db);
        await SearchIndex.RebuildAsync(db, cancel);
    }

    /// <summary>The fingerprint (SHA-256 of the create script, 16 hex digits) of the schema the first migration makes, per provider.</summary>
    internal static string FirstMigrationSchema(HubDbContext db) => db.Database.IsNpgsql() ? "4146A40326B62924" : "D350AED21744B035";

    private static async Task AdoptPreMigrationDatabaseAsync(HubDbContext db, ILogger logger, CancellationToken cancel)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        var history = db.GetService<IHistoryRepository>();
        if (!await creator.ExistsAsync(cancel) || !await creator.HasTablesAsync(cancel) || await history.ExistsAsync(cancel))
        {
            return;
        }

        string? stored = await ScalarOrNull(db, "SELECT fingerprint FROM hub_schema", cancel);
        if (stored == FirstMigrationSchema(db))
        {
            // Made by the last hub before migrations, with the first migration's schema: record that migration as applied.
            string first = db.Database.GetMigrations().First();
            await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancel);
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(first, ProductInfo.GetVersion())), cancel);
            logger.LogInformation("The hub database predates migrations and has the schema of {Migration}: adopted, data kept", first);
            return;
        }

        long accounts = long.Parse(await ScalarOrNull(db, "SELECT COUNT(*) FROM \"AspNetUsers\"", cancel) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (accounts > 0)
        {
            throw new InvalidOperationException(
                $"The hub database was made by an older hub (schema {stored ?? "unknown"}) and holds {accounts} accounts. " +
                "Nothing was changed: back it up and move its data by hand, or point ConnectionStrings:Hub at a new database.");
        }

        logger.LogWarning("The hub database was made by an older hub and holds only the bundled sample data: recreating it");
        await db.Database.EnsureDeletedAsync(cancel);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// The first network admin, made on first start when there is none: a random password written to a file only the
    /// hub's user can read (not to the log), to be changed after signing in.
    /// </summary>
    public static async Task EnsureNetworkAdminAsync(UserManager<HubUser> users, string email, string passwordFile, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(logger);
        if ((await users.GetUsersInRoleAsync(HubRoles.NetworkAdmin)).Count > 0)
        {
            return;
        }

        string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'k').Replace('/', 'q');
        var admin = new HubUser { UserName = email, Email = email };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("Could not make the first network admin: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        await users.AddToRoleAsync(admin, HubRoles.NetworkAdmin);
        VnQuantum.Kms.PrivateFile.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(passwordFile))!);
        VnQuantum.Kms.PrivateFile.WriteText(passwordFile, $"{email}\n{password}\n");

        logger.LogWarning("Made the first network admin, {Email}; its password is in {File} (change it after signing in, at /Account/Manage/Security)", email, passwordFile);
    }

    private static async Task<string?> ScalarOrNull(HubDbContext db, string sql, CancellationToken cancel)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancel);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(await command.ExecuteScalarAsync(cancel), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (DbException)
        {
            return null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace VnQuantum.Hub.Data;

/// <summary>Which database the hub uses: handed to the job workers, which open it themselves.</summary>
public sealed record HubStorage(string Provider, string Connection);

/// <summary>
/// Brings the database to this version's schema on start: creates it (with the sample data) when new, recreates it
/// when it was made by an older version and holds nothing but the bundled sample data, and refuses to start — changing
/// nothing — when an older database holds accounts.
/// </summary>
public static class HubDatabase
{
    /// <summary>Which backend <paramref name="provider"/> names: "sqlite" (the default) or "postgres".</summary>
    public static void Configure(DbContextOptionsBuilder options, string? provider, string connection)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (provider?.ToLowerInvariant())
        {
            case null or "" or "sqlite":
                options.UseSqlite(connection);
                break;
            case "postgres" or "postgresql":
                options.UseNpgsql(connection);
                break;
            default:
                throw new InvalidOperationException($"Hub:Database is '{provider}'; use sqlite (the default) or postgres.");
        }
    }

    public static async Task PrepareAsync(HubDbContext db, ILogger logger, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(logger);
        if (db.Database.IsSqlite() && db.Database.GetDbConnection().DataSource is { Length: > 0 } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        string schema = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(db.Database.GenerateCreateScript())))[..16];
        if (!await db.Database.EnsureCreatedAsync(cancel))
        {
            string? stored = await ScalarOrNull(db, "SELECT fingerprint FROM hub_schema", cancel);
            if (stored != schema)
            {
                long accounts = long.Parse(await ScalarOrNull(db, "SELECT COUNT(*) FROM \"AspNetUsers\"", cancel) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                if (accounts > 0)
                {
                    throw new InvalidOperationException(
                        $"The hub database was made by another version of the hub (schema {stored ?? "unknown"}, this version {schema}) and holds {accounts} accounts. " +
                        "Nothing was changed: back it up and migrate it, or point ConnectionStrings:Hub at a new database.");
                }

                logger.LogWarning("The hub database was made by another version and holds only the bundled sample data: recreating it for this version's schema");
                await db.Database.EnsureDeletedAsync(cancel);
                await db.Database.EnsureCreatedAsync(cancel);
            }
        }

        if (db.Database.IsSqlite())
        {
            // Job workers write progress from their own processes: WAL lets them and the pages read and write together.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", cancel);
        }

        await db.Database.ExecuteSqlRawAsync("CREATE TABLE IF NOT EXISTS hub_schema (fingerprint text NOT NULL)", cancel);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM hub_schema", cancel);
        await db.Database.ExecuteSqlAsync($"INSERT INTO hub_schema (fingerprint) VALUES ({schema})", cancel);
        if (!await db.Roles.AnyAsync(r => r.Name == HubRoles.NetworkAdmin, cancel))
        {
            db.Roles.Add(new IdentityRole(HubRoles.NetworkAdmin) { NormalizedName = HubRoles.NetworkAdmin.ToUpperInvariant() });
            await db.SaveChangesAsync(cancel);
        }

        SampleData.SeedIfEmpty(db);
        await SearchIndex.RebuildAsync(db, cancel);
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
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(passwordFile))!);
        await File.WriteAllTextAsync(passwordFile, $"{email}\n{password}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        logger.LogWarning("Made the first network admin, {Email}; its password is in {File} (change it after signing in)", email, passwordFile);
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

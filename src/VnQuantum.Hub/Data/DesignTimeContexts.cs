using Microsoft.EntityFrameworkCore.Design;

namespace VnQuantum.Hub.Data;

/// <summary>
/// What <c>dotnet ef migrations add</c> builds the SQLite model from (no database is opened):
/// <c>dotnet ef migrations add Name --project src/VnQuantum.Hub --context SqliteHubDbContext --output-dir Data/Migrations/Sqlite</c>.
/// </summary>
public sealed class SqliteDesignTimeContext : IDesignTimeDbContextFactory<SqliteHubDbContext>
{
    public SqliteHubDbContext CreateDbContext(string[] args) => (SqliteHubDbContext)HubDatabase.Open("sqlite", "Data Source=design-time.db");
}

/// <summary>The same for PostgreSQL: <c>… --context PostgresHubDbContext --output-dir Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresDesignTimeContext : IDesignTimeDbContextFactory<PostgresHubDbContext>
{
    public PostgresHubDbContext CreateDbContext(string[] args) => (PostgresHubDbContext)HubDatabase.Open("postgres", "Host=localhost;Database=design_time");
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Tests;

/// <summary>A fact that needs PostgreSQL: skipped (not passed) where VNQ_TEST_POSTGRES is not set; .ci/run sets it.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresHubFactory.PostgresServer is null)
        {
            Skip = "needs PostgreSQL: set VNQ_TEST_POSTGRES to a connection string of a role that may create databases (bash .ci/run does)";
        }
    }
}

/// <summary>The hub on a PostgreSQL database of its own, made for the run and dropped after it.</summary>
public sealed class PostgresHubFactory : HubFactory
{
    private readonly string _database = $"vnq_hub_{Guid.NewGuid():N}";

    public static string? PostgresServer => Environment.GetEnvironmentVariable("VNQ_TEST_POSTGRES");

    protected override void Configure(IWebHostBuilder builder) =>
        builder.UseSetting("Hub:Database", "postgres")
            .UseSetting("ConnectionStrings:Hub", new NpgsqlConnectionStringBuilder(PostgresServer) { Database = _database }.ConnectionString);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        NpgsqlConnection.ClearAllPools();
        if (PostgresServer is not null)
        {
            using var connection = new NpgsqlConnection(PostgresServer);
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)";
            drop.ExecuteNonQuery();
        }
    }
}

/// <summary>The second backend: schema, search (tsvector over the folded column) and the member flows on PostgreSQL.</summary>
public sealed class PostgresHubTests(PostgresHubFactory factory) : IClassFixture<PostgresHubFactory>
{
    [PostgresFact]
    public async Task Search_IgnoresDiacritics_AndFoldsD_OnPostgres()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.True(db.Database.IsNpgsql());
        Assert.Equal(60, await db.People.CountAsync(p => p.Sample));
        foreach (var (query, expected) in new[] { ("Ha Noi", "Hà Nội"), ("Da Nang", "Đà Nẵng"), ("da nẵng", "Đà Nẵng"), ("Hue", "Huế") })
        {
            var hits = await SearchIndex.QueryAsync(db, query);
            Assert.Contains(hits, h => h.Detail.Contains(expected, StringComparison.Ordinal) || h.Title.Contains(expected, StringComparison.Ordinal));
        }

        Assert.Contains(await SearchIndex.QueryAsync(db, "Duc"), h => h.Title.Contains("Đức", StringComparison.Ordinal));
        Assert.Contains(await SearchIndex.QueryAsync(db, "magnetom"), h => h.Kind == "person");
        Assert.Contains(await SearchIndex.QueryAsync(db, "QKD"), h => h.Kind == "project");
        Assert.Empty(await SearchIndex.QueryAsync(db, "\" OR * NEAR( & | ! :*"));
        Assert.Empty(await SearchIndex.QueryAsync(db, "zzzqqq"));
        Assert.Contains("Học viện Quang tử Đà Nẵng", await factory.Session().Get("/Search?q=Da%20Nang"));
    }

    [PostgresFact]
    public async Task Search_RanksWithinTheVisibleSet_OnPostgres()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await HubSearchTests.TopMatchesPrivate(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    [PostgresFact]
    public Task SignUpAndProfile_OnPostgres() => new AccountAndOfferTests(factory).SignUp_RefusesAWeakPassword_ThenMakesAPrivateProfile_TheOwnerEdits();

    [PostgresFact]
    public Task OfferReviewAndInterest_OnPostgres() => new AccountAndOfferTests(factory).AnOffer_IsReviewed_Published_Found_AndContactIsSharedOnlyAfterAcceptance();

    [PostgresFact]
    public Task OfferExpiry_OnPostgres() => new AccountAndOfferTests(factory).AnExpiredOffer_LeavesTheListAndSearch_UntilItsAuthorRenewsIt();

    [PostgresFact]
    public async Task ACircuitJob_RunsInAWorkerOnPostgres()
    {
        var member = factory.Session();
        await member.SignUp("pg.jobs@example.vn", "Tạ Quang Bửu", "mẫu dữ liệu trên PostgreSQL");
        long id = await JobTests.Submit(member, new() { ["Kind"] = "circuit", ["Source"] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[3] q;\nbit[3] c;\nh q[0];\ncx q[0], q[1];\ncx q[1], q[2];\nc = measure q;\n", ["Shots"] = "500" });
        var job = await JobTests.WaitFor(factory, id, JobState.Succeeded);
        Assert.Contains("\"000\"", job.Result);
        Assert.Contains("\"111\"", job.Result);
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Tests;

/// <summary>
/// The hub's bound on requests at once: past the permits a request queues, past the queue it is refused with 503 and
/// Retry-After at once (not after the pool's 15 s), and the hub's PostgreSQL pool is sized to match.
/// </summary>
public sealed class RequestConcurrencyTests
{
    [Fact]
    public async Task PastThePermitsAndTheQueue_ARequestIsRefusedAtOnce()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = Build(new RequestConcurrency { Concurrent = 1, Queue = 1 }, async context =>
        {
            if (context.Request.Path == "/hold")
            {
                entered.SetResult();
                await release.Task;
            }

            await context.Response.WriteAsync("ok");
        });
        var client = app.GetTestClient();

        var held = client.GetAsync("/hold");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = client.GetAsync("/"); // takes the one place in the queue...
        await WaitUntil(() => !queued.IsCompleted && Queued(app) == 1);
        using (var refused = await client.GetAsync("/")) // ...so this one finds none
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        }

        release.SetResult();
        using (var first = await held)
        using (var second = await queued)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode); // the queued request was served, not dropped
        }

        using var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("Host=db;Username=u;Password=p", 40)]
    [InlineData("Host=db;Username=u;Password=p;Maximum Pool Size=7", 7)]
    [InlineData("Host=db;Username=u;Password=p;MaxPoolSize=9", 9)]
    [InlineData("Host=db;Username=u;Password=p;maximum pool size=11", 11)]
    public void ThePostgresPool_IsSizedUnlessTheConnectionStringSaysSo(string connection, int expected)
    {
        string sized = HubDatabase.WithPoolSize("postgres", connection, 40);
        Assert.Equal(expected, new Npgsql.NpgsqlConnectionStringBuilder(sized).MaxPoolSize);
        Assert.Equal("Data Source=hub.db", HubDatabase.WithPoolSize("sqlite", "Data Source=hub.db", 40));
    }

    private static WebApplication Build(RequestConcurrency limits, RequestDelegate handler)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        app.UseRequestConcurrency(limits);
        app.Run(handler);
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }

    private static long Queued(WebApplication app) => RequestConcurrencyMiddleware.Statistics(app)?.CurrentQueuedCount ?? -1;

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 30 s");
            await Task.Delay(5);
        }
    }
}

using System.Threading.RateLimiting;

namespace VnQuantum.Hub;

/// <summary>
/// Bounds the requests the hub works on at once (Hub:Requests): beyond <see cref="Concurrent"/> a request waits in a
/// queue of at most <see cref="Queue"/>, and beyond that it is answered 503 with Retry-After at once. Without it an
/// overload on PostgreSQL was metastable: every waiting request held or opened a database connection, the pool (and
/// then the server's connection slots) ran out, and pages took 30 s long after the load had eased
/// (docs/benchmarks.md, the open-loop hub load).
/// </summary>
public sealed class RequestConcurrency
{
    /// <summary>Requests worked on at once.</summary>
    public int Concurrent { get; set; } = Math.Max(16, 4 * Environment.ProcessorCount);

    /// <summary>Requests waiting for a turn; more are refused.</summary>
    public int Queue { get; set; } = 256;

    /// <summary>Database connections one node needs at most: a connection per request worked on, and a few for the job dispatcher and start-up.</summary>
    public int DatabaseConnections => Concurrent + 8;
}

/// <summary>The middleware of <see cref="RequestConcurrency"/>.</summary>
public static class RequestConcurrencyMiddleware
{
    private const string LimiterKey = "vnq.request-concurrency";

    /// <summary>Requests worked on and waiting now, for an app that uses the middleware.</summary>
    public static RateLimiterStatistics? Statistics(IApplicationBuilder app) =>
        (app ?? throw new ArgumentNullException(nameof(app))).Properties.TryGetValue(LimiterKey, out var limiter) ? ((ConcurrencyLimiter)limiter!).GetStatistics() : null;

    public static IApplicationBuilder UseRequestConcurrency(this IApplicationBuilder app, RequestConcurrency limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.Concurrent,
            QueueLimit = limits.Queue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        app.Properties[LimiterKey] = limiter;
        return app.Use(async (context, next) =>
        {
            RateLimitLease lease;
            try
            {
                lease = await limiter.AcquireAsync(1, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client left while it waited
            }

            using (lease)
            {
                if (!lease.IsAcquired)
                {
                    // A line of text in the visitor's language, not a rendered page: an overload is no time for one.
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.Headers.RetryAfter = "1";
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    var text = context.RequestServices.GetService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
                    await context.Response.WriteAsync(text?["status.503.text"].Value ?? "The server is busy. Try again in a few seconds.", context.RequestAborted);
                    return;
                }

                await next(context);
            }
        });
    }
}

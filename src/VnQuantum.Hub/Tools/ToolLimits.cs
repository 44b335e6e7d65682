using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;

namespace VnQuantum.Hub.Tools;

/// <summary>
/// The bounds on work a visitor can start from a tool page (Hub:Tools): a wall-clock limit per request and a rate limit
/// per client (members by account, anonymous visitors by IP address). Work beyond them goes to a background job.
/// </summary>
public sealed class ToolLimits
{
    /// <summary>The endpoint policy name of both limits: tool pages carry <c>[RequestTimeout(ToolLimits.Policy)]</c> and <c>[EnableRateLimiting(ToolLimits.Policy)]</c>.</summary>
    public const string Policy = "tools";

    /// <summary>The rate-limit policy of pages that compute only on POST (a lesson's exercise check): reading them is not limited.</summary>
    public const string PostPolicy = "tools-post";

    /// <summary>Wall-clock seconds one tool request may compute before it is stopped.</summary>
    public double Seconds { get; set; } = 5;

    /// <summary>Tool requests per client per minute (GET with inputs and POST alike: both compute).</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Nodes, links and demands an uploaded or sample topology may have for the network page's LP.</summary>
    public int MaxTopologyElements { get; set; } = 400;

    /// <summary>Registers the timeout and rate-limit policies named <see cref="Policy"/>.</summary>
    public static void Add(IServiceCollection services, ToolLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);

        // The page catches the cancellation and says so; the middleware's 503 is only for a page that does not.
        services.AddRequestTimeouts(options => options.AddPolicy(Policy, new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(limits.Seconds),
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        }));
        services.Configure<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>(options =>
        {
            options.AddPolicy(Policy, context => PerClient(context, limits));
            options.AddPolicy(PostPolicy, context => HttpMethods.IsPost(context.Request.Method) ? PerClient(context, limits) : RateLimitPartition.GetNoLimiter("read"));
        });
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, ToolLimits limits) =>
        RateLimitPartition.GetFixedWindowLimiter(Client(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.RequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>The rate-limit partition of a request: the member's account, else the client's address.</summary>
    public static string Client(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.Identity is { IsAuthenticated: true, Name: { } name }
            ? "member:" + name
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}

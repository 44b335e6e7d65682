namespace VnQuantum.Hub;

/// <summary>
/// The response headers every page carries. The policy allows scripts and style sheets from the hub itself only: no
/// inline script, style or eval anywhere (htmx's inline indicator styles and eval are switched off by its meta
/// configuration; KaTeX sets styles through the DOM, which the policy allows). A browser test records every refusal.
/// HSTS is sent on HTTPS only (ASP.NET Core's UseHsts, which leaves out localhost).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    /// <summary>Adds the headers to every response before it starts (errors and rate-limit refusals included).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
}

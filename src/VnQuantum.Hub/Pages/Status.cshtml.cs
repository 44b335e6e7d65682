using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Events;

namespace VnQuantum.Hub.Pages;

/// <summary>
/// What an error status says to a person, in their language: the page the status-code middleware re-executes for a
/// response that has no body of its own (404, 403, 429 from a rate limit, …), so a refused request is a page of the
/// hub and not the browser's "HTTP ERROR 429". A rate limit's Retry-After becomes a time of day in Vietnam.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken] // re-executed with the refused request's method, often a tool form's POST
public sealed class StatusModel(IStringLocalizer<SharedResource> text) : PageModel
{
    /// <summary>The HttpContext item a refusal leaves its Retry-After seconds in, for this page to show.</summary>
    public const string RetryAfterItem = "vnq.retry-after";

    public string Heading { get; private set; } = string.Empty;

    public string Message { get; private set; } = string.Empty;

    public DateTimeOffset? RetryAt { get; private set; }

    public string RetryText => text["status.retry"];

    public string HomeText => text["status.home"];

    /// <summary>The retry time as people here read it: hours and minutes in Vietnam, with the zone.</summary>
    public string RetryAtShown => RetryAt is { } at
        ? string.Create(CultureInfo.CurrentCulture, $"{EventCalendar.InVietnam(at.UtcDateTime):T} ({text["status.zone"]})")
        : string.Empty;

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        // Visited directly, the page still answers with the status it describes.
        if (code is >= 400 and <= 599)
        {
            Response.StatusCode = code;
        }

        string key = code is 403 or 404 or 429 or 503 ? code.ToString(CultureInfo.InvariantCulture) : "other";
        Heading = text[$"status.{key}.heading", code];
        Message = text[$"status.{key}.text", code];
        if (HttpContext.Items[RetryAfterItem] is int seconds && seconds is > 0 and <= 86_400)
        {
            RetryAt = DateTimeOffset.UtcNow.AddSeconds(seconds);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }
}

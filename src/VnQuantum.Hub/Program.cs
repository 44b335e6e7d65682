using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Events;
using VnQuantum.Hub.Jobs;
using VnQuantum.Hub.Learning;
using VnQuantum.Hub.Tools;

// A job worker process: runs one background job and exits (JobDispatcher starts it).
if (args is ["worker", var jobId])
{
    return await JobWorker.RunAsync(long.Parse(jobId, CultureInfo.InvariantCulture));
}

var builder = WebApplication.CreateBuilder(args);

// SQLite by default: a file under the content root, created with the sample data on first start. PostgreSQL with
// --Hub:Database postgres and a Npgsql connection string in ConnectionStrings:Hub.
string dataFolder = Path.Combine(builder.Environment.ContentRootPath, "App_Data");
string connection = builder.Configuration.GetConnectionString("Hub") ?? $"Data Source={Path.Combine(dataFolder, "hub.db")}";
string provider = builder.Configuration["Hub:Database"] ?? "sqlite";

// EF keeps its internal services in a process-wide cache, and resolves some of them through the host that first built
// them: a second host in one process (the tests start many) could then reach the first one's disposed logger. EF is
// therefore given no host services at all (its own logging stays internal; the hub logs EF only at Warning anyway).
// Requests at once, and so database connections at once, are bounded (Hub:Requests); a PostgreSQL pool is sized to
// match unless the connection string sets Maximum Pool Size itself.
var concurrency = builder.Configuration.GetSection("Hub:Requests").Get<RequestConcurrency>() ?? new RequestConcurrency();
connection = HubDatabase.WithPoolSize(provider, connection, concurrency.DatabaseConnections);
HubDatabase.Add(builder.Services, provider, connection, (_, options) => options.UseApplicationServiceProvider(null));
builder.Services.AddSingleton(new HubStorage(provider, connection));

// Request bodies: 1 MiB unless a page says more (the network page's upload); forms of at most 1 MiB a field.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1 << 20);
builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form =>
{
    form.ValueLengthLimit = 1 << 20;
    form.MultipartBodyLengthLimit = 1 << 20;
});

// Background jobs: worker processes with limits on qubits, time and memory (Hub:Jobs), a queue in the database.
builder.Services.Configure<JobLimits>(builder.Configuration.GetSection("Hub:Jobs"));
if (builder.Configuration.GetValue("Hub:Jobs:Enabled", true))
{
    builder.Services.AddHostedService<JobDispatcher>();
}

// The KMS network the hub watches, if any (network admins see it at /Admin/Kms).
builder.Services.Configure<VnQuantum.Hub.Kms.KmsWatchOptions>(builder.Configuration.GetSection("Hub:Kms"));
builder.Services.AddSingleton<VnQuantum.Hub.Kms.KmsMonitor>();
builder.Services.AddMemoryCache();

// Tool pages compute in the request: a wall-clock limit and a rate per client (Hub:Tools). Job submissions per member
// per minute. Reading other pages is not limited.
var toolLimits = builder.Configuration.GetSection("Hub:Tools").Get<ToolLimits>() ?? new ToolLimits();
builder.Services.AddSingleton(toolLimits);
ToolLimits.Add(builder.Services, toolLimits);
builder.Services.AddRateLimiter(options =>
{
    options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;

    // A fixed one-minute window: Retry-After, and no body, so the status page (Pages/Status) says in the visitor's
    // language what happened and at what time to try again.
    options.OnRejected = (context, _) =>
    {
        context.HttpContext.Response.Headers.RetryAfter = "60";
        context.HttpContext.Items[VnQuantum.Hub.Pages.StatusModel.RetryAfterItem] = 60; // the re-execution starts a fresh response
        return ValueTask.CompletedTask;
    };
    options.AddPolicy("jobs", context =>
        HttpMethods.IsPost(context.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter(ToolLimits.Client(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = builder.Configuration.GetValue("Hub:Jobs:SubmissionsPerMinute", new JobLimits().SubmissionsPerMinute),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("read"));
});

builder.Services.AddIdentity<HubUser, IdentityRole>(options =>
    {
        // NIST SP 800-63B-4: length (in characters as a reader counts them, not UTF-16 units) and a blocklist, both in
        // PasswordPolicy; Identity's own rules are off so that one validator speaks, in the reader's language.
        options.Password.RequiredLength = 1;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 1;
        options.Lockout.MaxFailedAccessAttempts = 10;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
        options.User.RequireUniqueEmail = true;
    })
    .AddEntityFrameworkStores<HubDbContext>()
    .AddDefaultTokenProviders()
    .AddErrorDescriber<HubIdentityErrors>()
    .AddPasswordValidator<PasswordPolicy>();

// Password resets and e-mail confirmations (Hub:Mail): SMTP when a server is set, else .eml files in App_Data/mail.
builder.Services.AddSingleton(services => HubMail.Create(
    builder.Configuration.GetSection("Hub:Mail").Get<MailOptions>() ?? new MailOptions(),
    builder.Environment.ContentRootPath,
    services.GetRequiredService<ILoggerFactory>().CreateLogger("VnQuantum.Hub.Mail")));
builder.Services.AddScoped<AccountMail>();
builder.Services.AddScoped<VnQuantum.Hub.Notices.PostNotices>();
builder.Services.ConfigureApplicationCookie(options =>
{
    options.LoginPath = "/Account/SignIn";
    options.AccessDeniedPath = "/Account/Denied";
    options.Cookie.Name = "vnq.hub";
    options.Cookie.HttpOnly = true;
    options.Cookie.SameSite = SameSiteMode.Lax;
    options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
// Private by default: a page or endpoint is for signed-in members unless it says [AllowAnonymous] (the public ones:
// tests/VnQuantum.Hub.Tests/RouteTableTests.cs lists them). Handlers still check ownership of what they show.
builder.Services.AddAntiforgery(options =>
{
    options.Cookie.Name = "vnq.antiforgery";
    options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
    .AddPolicy(HubRoles.NetworkAdmin, policy => policy.RequireRole(HubRoles.NetworkAdmin));

// Defaults of unset query parameters stand; [Required] says where a value must come from the form.
builder.Services.AddRazorPages(options =>
    {
        // Signing in is the fallback for every page; the network's administration needs the role as well.
        options.Conventions.AuthorizeFolder("/Admin", HubRoles.NetworkAdmin);
    })
    .AddMvcOptions(o =>
    {
        o.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
        o.ModelBinderProviders.Insert(0, new VnQuantum.Hub.Pages.FormNumberBinderProvider());
    })

    // Validation messages name a key of the shared resources (ErrorMessage = "account.name.required").
    .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(VnQuantum.Hub.SharedResource)));

// Vietnamese first, English on request (the switcher's cookie or ?culture=en); vi-VN number and date formats.
builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
builder.Services.AddSingleton(new CourseCatalog(Path.Combine(builder.Environment.ContentRootPath, "Courses")));

// Vietnamese is the hub's first language: emit it as text, not as numeric character references.
builder.Services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));

var app = builder.Build();
await using (var scope = app.Services.CreateAsyncScope())
{
    var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("VnQuantum.Hub");
    await HubDatabase.PrepareAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), logger);
    await HubDatabase.EnsureNetworkAdminAsync(
        scope.ServiceProvider.GetRequiredService<UserManager<HubUser>>(),
        builder.Configuration["Hub:AdminEmail"] ?? "admin@vnquantum.local",
        builder.Configuration["Hub:AdminPasswordFile"] ?? Path.Combine(dataFolder, "initial-admin.txt"),
        logger);
}

app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}

// Only on HTTPS responses and never for localhost (UseHsts' own rules), so a developer's http://localhost is unaffected.
app.UseHsts();

// Every cookie (sign-in, antiforgery, language) HttpOnly and Lax at least, and Secure whenever the page came over HTTPS.
app.UseCookiePolicy(new CookiePolicyOptions
{
    HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always,
    Secure = CookieSecurePolicy.SameAsRequest,
    MinimumSameSitePolicy = SameSiteMode.Lax,
});

var cultures = VnQuantum.Hub.Pages.LanguageModel.Cultures.Select(c => new CultureInfo(c)).ToList();
app.UseRequestLocalization(new RequestLocalizationOptions
{
    DefaultRequestCulture = new RequestCulture("vi-VN"),
    SupportedCultures = cultures,
    SupportedUICultures = cultures,

    // An explicit choice only: the hub's language does not follow the browser's Accept-Language.
    RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()],
});
app.UseStaticFiles();
app.UseRequestConcurrency(concurrency);

// An error status without a body of its own (404, 403, a rate limit's 429) is answered with the hub's status page in
// the visitor's language. After the concurrency guard, so that an overload's 503 stays as cheap as it is.
app.UseStatusCodePagesWithReExecute("/Status/{0}");
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseRequestTimeouts();
app.MapRazorPages();

// Browsers ask for /favicon.ico whatever the page links; the icon is an SVG.
app.MapGet("/favicon.ico", () => Results.Redirect("/favicon.svg", permanent: true)).AllowAnonymous();

// iCalendar: one event, or every event as a feed a calendar application subscribes to.
app.MapGet("/Events/{id:int}.ics", async (int id, HubDbContext db, HttpContext http) =>
    await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id) is { } one
        ? Results.Text(EventCalendar.Write([one], http.Request.Host.Host), "text/calendar; charset=utf-8")
        : Results.NotFound()).AllowAnonymous();
app.MapGet("/Events/calendar.ics", async (HubDbContext db, HttpContext http) =>
    Results.Text(EventCalendar.Write(await db.Events.AsNoTracking().OrderBy(e => e.StartsAt).ToListAsync(), http.Request.Host.Host), "text/calendar; charset=utf-8")).AllowAnonymous();
await app.RunAsync();
return 0;

/// <summary>The web host's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program
{
}

using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

var builder = WebApplication.CreateBuilder(args);

// SQLite by default: a file under the content root, created with the sample data on first start.
string connection = builder.Configuration.GetConnectionString("Hub")
    ?? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "App_Data", "hub.db")}";
builder.Services.AddDbContext<HubDbContext>(options => options.UseSqlite(connection));
// Defaults of unset query parameters stand; [Required] says where a value must come from the form.
builder.Services.AddRazorPages().AddMvcOptions(o => o.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true);

// Vietnamese is the hub's first language: emit it as text, not as numeric character references.
builder.Services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));

var app = builder.Build();
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
    if (db.Database.GetDbConnection().DataSource is { Length: > 0 } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
    {
        Directory.CreateDirectory(folder);
    }

    await db.Database.EnsureCreatedAsync();
    SampleData.SeedIfEmpty(db);
    await SearchIndex.RebuildAsync(db);
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}

app.UseStaticFiles();
app.UseRouting();
app.MapRazorPages();
await app.RunAsync();

/// <summary>The web host's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program
{
}

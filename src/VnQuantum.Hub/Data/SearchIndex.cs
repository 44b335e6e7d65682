using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace VnQuantum.Hub.Data;

/// <summary>One search result: what it is, its id, and its title as written (with diacritics).</summary>
public sealed record SearchHit(string Kind, int Id, string Title, string Detail);

/// <summary>
/// Full-text search across people, organisations, projects and offers in Vietnamese and English, insensitive to
/// diacritics. Both backends index text folded by <see cref="TextFolding"/> (NFC, no diacritics, đ → d) — a
/// normalised column, so neither needs an accent-stripping function inside the index: on SQLite an FTS5 table
/// (unicode61, remove_diacritics 2) ranked by BM25; on PostgreSQL a weighted tsvector with a GIN index ranked by
/// ts_rank. Queries fold the same way, every word a prefix. Hits respect visibility: private profiles only for
/// signed-in members, offers only while published and not expired.
/// </summary>
public static partial class SearchIndex
{
    /// <summary>Drops and refills the index from the entities.</summary>
    public static async Task RebuildAsync(HubDbContext db, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        bool postgres = db.Database.IsNpgsql();
        await Execute(db, postgres
            ? "DROP TABLE IF EXISTS search_index; CREATE TABLE search_index (kind text NOT NULL, ref integer NOT NULL, document tsvector NOT NULL, PRIMARY KEY (kind, ref)); CREATE INDEX search_index_document ON search_index USING gin (document);"
            : "DROP TABLE IF EXISTS search; CREATE VIRTUAL TABLE search USING fts5(kind UNINDEXED, ref UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');", cancel);
        var rows = new List<(string, int, string, string)>();
        foreach (var p in await db.People.AsNoTracking().Include(p => p.Organisation).ToListAsync(cancel))
        {
            rows.Add(Row(p));
        }

        foreach (var o in await db.Organisations.AsNoTracking().ToListAsync(cancel))
        {
            rows.Add(Row(o));
        }

        foreach (var p in await db.Projects.AsNoTracking().Include(p => p.Partners).ToListAsync(cancel))
        {
            rows.Add(Row(p));
        }

        foreach (var o in await db.Offers.AsNoTracking().Include(o => o.Organisation).Where(o => o.State == OfferState.Published).ToListAsync(cancel))
        {
            rows.Add(Row(o));
        }

        await WriteAsync(db, rows, cancel);
    }

    /// <summary>Puts one profile's current text in the index (after an edit).</summary>
    public static Task UpdateAsync(HubDbContext db, Person person, CancellationToken cancel = default) => WriteAsync(db, [Row(person)], cancel);

    /// <summary>Puts an organisation's current text in the index (after an edit).</summary>
    public static Task UpdateAsync(HubDbContext db, Organisation organisation, CancellationToken cancel = default) => WriteAsync(db, [Row(organisation)], cancel);

    /// <summary>Puts a project's current text in the index (after an edit; partners loaded).</summary>
    public static Task UpdateAsync(HubDbContext db, Project project, CancellationToken cancel = default) => WriteAsync(db, [Row(project)], cancel);

    /// <summary>Puts an offer in the index once published, takes it out otherwise.</summary>
    public static Task UpdateAsync(HubDbContext db, Offer offer, CancellationToken cancel = default) =>
        offer.State == OfferState.Published ? WriteAsync(db, [Row(offer)], cancel) : RemoveAsync(db, "offer", offer.Id, cancel);

    /// <summary>
    /// The best matches for <paramref name="query"/>, every word a prefix ("Ha Noi" finds "Hà Nội"). Private profiles
    /// are left out unless <paramref name="signedIn"/>.
    /// </summary>
    public static async Task<IReadOnlyList<SearchHit>> QueryAsync(HubDbContext db, string? query, bool signedIn = false, int limit = 50, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var words = Words().Matches(TextFolding.Fold(query)).Select(m => m.Value).Take(12).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        bool postgres = db.Database.IsNpgsql();
        string match = postgres ? string.Join(" & ", words.Select(w => w + ":*")) : string.Join(' ', words.Select(w => $"\"{w}\"*"));
        var found = new List<(string Kind, int Id)>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancel);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = postgres
                ? "SELECT kind, ref FROM search_index, to_tsquery('simple', @match) query WHERE document @@ query ORDER BY ts_rank(document, query) DESC, kind, ref LIMIT @limit"
                : "SELECT kind, ref FROM search WHERE search MATCH @match ORDER BY bm25(search, 0, 0, 10.0, 1.0) LIMIT @limit";
            Parameter(command, "@match", match);

            // Room for the hits that visibility removes.
            Parameter(command, "@limit", 2 * limit);
            await using var reader = await command.ExecuteReaderAsync(cancel);
            while (await reader.ReadAsync(cancel))
            {
                found.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture)));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        // Titles as written, from the entities, where the reader may see them.
        List<int> Ids(string kind) => [.. found.Where(f => f.Kind == kind).Select(f => f.Id)];
        var personIds = Ids("person");
        var organisationIds = Ids("organisation");
        var projectIds = Ids("project");
        var offerIds = Ids("offer");
        var now = DateTime.UtcNow;
        var people = await db.People.AsNoTracking().Include(p => p.Organisation).Where(p => personIds.Contains(p.Id) && (p.Public || signedIn)).ToDictionaryAsync(p => p.Id, cancel);
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, cancel);
        var projects = await db.Projects.AsNoTracking().Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancel);
        var offers = await db.Offers.AsNoTracking().Include(o => o.Organisation).Where(o => offerIds.Contains(o.Id) && o.State == OfferState.Published && o.ExpiresAt > now).ToDictionaryAsync(o => o.Id, cancel);
        var hits = new List<SearchHit>();
        foreach (var (kind, id) in found)
        {
            SearchHit? hit = kind switch
            {
                "person" when people.TryGetValue(id, out var p) => new(kind, id, p.Name, $"{p.Organisation?.Name ?? p.Affiliation}, {p.Country}"),
                "organisation" when organisations.TryGetValue(id, out var o) => new(kind, id, o.Name, $"{o.Kind}, {o.City}"),
                "project" when projects.TryGetValue(id, out var p) => new(kind, id, p.Title, p.Pillar.ToString()),
                "offer" when offers.TryGetValue(id, out var o) => new(kind, id, o.Title, $"{o.Kind}, {o.Organisation?.Name}"),
                _ => null,
            };
            if (hit is not null && hits.Count < limit)
            {
                hits.Add(hit);
            }
        }

        return hits;
    }

    private static (string Kind, int Id, string Title, string Body) Row(Person p) =>
        ("person", p.Id, p.Name, $"{p.Affiliation} {p.Organisation?.Name} {p.Organisation?.City} {p.Country} {p.Expertise} {p.Pillar} {p.Biography}");

    private static (string Kind, int Id, string Title, string Body) Row(Organisation o) =>
        ("organisation", o.Id, o.Name, $"{o.Kind} {o.City} {o.Country} {o.Offers} {o.Seeks}");

    private static (string Kind, int Id, string Title, string Body) Row(Project p) =>
        ("project", p.Id, p.Title, $"{p.Summary} {p.Pillar} {p.Outputs} {string.Join(' ', p.Partners.Select(o => o.Name + " " + o.City))}");

    private static (string Kind, int Id, string Title, string Body) Row(Offer o) =>
        ("offer", o.Id, o.Title, $"{o.Kind} {o.Pillar} {o.Description} {o.Organisation?.Name} {o.Organisation?.City}");

    private static async Task WriteAsync(HubDbContext db, IReadOnlyList<(string Kind, int Id, string Title, string Body)> rows, CancellationToken cancel)
    {
        bool postgres = db.Database.IsNpgsql();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancel);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancel);
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = postgres ? "DELETE FROM search_index WHERE kind = @kind AND ref = @ref" : "DELETE FROM search WHERE kind = @kind AND ref = @ref";
            var deleteKind = Parameter(delete, "@kind", string.Empty);
            var deleteRef = Parameter(delete, "@ref", 0);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = postgres
                ? "INSERT INTO search_index (kind, ref, document) VALUES (@kind, @ref, setweight(to_tsvector('simple', @title), 'A') || setweight(to_tsvector('simple', @body), 'D'))"
                : "INSERT INTO search (kind, ref, title, body) VALUES (@kind, @ref, @title, @body)";
            var kind = Parameter(insert, "@kind", string.Empty);
            var reference = Parameter(insert, "@ref", 0);
            var title = Parameter(insert, "@title", string.Empty);
            var body = Parameter(insert, "@body", string.Empty);
            foreach (var row in rows)
            {
                deleteKind.Value = kind.Value = row.Kind;
                deleteRef.Value = reference.Value = row.Id;
                title.Value = TextFolding.Fold(row.Title);
                body.Value = TextFolding.Fold(row.Body);
                await delete.ExecuteNonQueryAsync(cancel);
                await insert.ExecuteNonQueryAsync(cancel);
            }

            await transaction.CommitAsync(cancel);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Task RemoveAsync(HubDbContext db, string kind, int id, CancellationToken cancel) =>
        db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlAsync($"DELETE FROM search_index WHERE kind = {kind} AND ref = {id}", cancel)
            : db.Database.ExecuteSqlAsync($"DELETE FROM search WHERE kind = {kind} AND ref = {id}", cancel);

    private static async Task Execute(HubDbContext db, string sql, CancellationToken cancel)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancel);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancel);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}

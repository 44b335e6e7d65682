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
            ? "DROP TABLE IF EXISTS search_index; CREATE TABLE search_index (kind text NOT NULL, ref integer NOT NULL, shown text NOT NULL, detail text NOT NULL, public boolean NOT NULL, expires bigint, document tsvector NOT NULL, PRIMARY KEY (kind, ref)); CREATE INDEX search_index_document ON search_index USING gin (document);"
            : "DROP TABLE IF EXISTS search; CREATE VIRTUAL TABLE search USING fts5(kind UNINDEXED, ref UNINDEXED, shown UNINDEXED, detail UNINDEXED, public UNINDEXED, expires UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');", cancel);
        var rows = new List<IndexRow>();
        foreach (var p in await db.People.AsNoTracking().Include(p => p.Organisation).ToListAsync(cancel))
        {
            rows.Add(Row(p, p.Organisation));
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
            rows.Add(Row(o, o.Organisation));
        }

        // A fresh table: nothing to replace, so no delete per row (each one a scan of the table).
        await WriteAsync(db, rows, cancel, replace: false);
    }

    /// <summary>Puts one profile's current text and visibility in the index (after an edit).</summary>
    public static async Task UpdateAsync(HubDbContext db, Person person, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(person);
        var organisation = person.Organisation ?? (person.OrganisationId is int id ? await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancel) : null);
        await WriteAsync(db, [Row(person, organisation)], cancel);
    }

    /// <summary>Puts an organisation's current text in the index (after an edit).</summary>
    public static Task UpdateAsync(HubDbContext db, Organisation organisation, CancellationToken cancel = default) => WriteAsync(db, [Row(organisation)], cancel);

    /// <summary>Puts a project's current text in the index (after an edit; partners loaded).</summary>
    public static Task UpdateAsync(HubDbContext db, Project project, CancellationToken cancel = default) => WriteAsync(db, [Row(project)], cancel);

    /// <summary>Puts an offer in the index once published (with its expiry; again after a renewal), takes it out otherwise.</summary>
    public static async Task UpdateAsync(HubDbContext db, Offer offer, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(offer);
        if (offer.State != OfferState.Published)
        {
            await RemoveAsync(db, "offer", offer.Id, cancel);
            return;
        }

        var organisation = offer.Organisation ?? (offer.OrganisationId is int id ? await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancel) : null);
        await WriteAsync(db, [Row(offer, organisation)], cancel);
    }

    /// <summary>
    /// The best matches for <paramref name="query"/> among those the caller may see, every word a prefix ("Ha Noi"
    /// finds "Hà Nội"). Private profiles are shown only when <paramref name="signedIn"/>; expired offers never. The
    /// ranking is within the visible set: a page is short only when fewer visible matches exist.
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
        await db.Database.OpenConnectionAsync(cancel);
        try
        {
            if (postgres)
            {
                // The visibility test is in the WHERE clause, before ORDER BY and LIMIT: ranked within what may be seen.
                return await ReadHits(db, "SELECT kind, ref, shown, detail FROM search_index, to_tsquery('simple', @match) query WHERE document @@ query AND (public OR @signedIn) AND (expires IS NULL OR expires > @now) ORDER BY ts_rank(document, query) DESC, kind, ref LIMIT @limit", match, signedIn, limit, 0, cancel);
            }

            // FTS5 ranks the matches from its index alone; only the best `window` are then read in full and filtered,
            // which halves the time of a broad query ("Ha Noi": a thousand matches at 10,000 people). When the visible
            // ones among them do not fill the page and more matches exist, the window widens, so hidden matches at the
            // top cannot crowd out visible ones further down.
            for (long window = 2L * limit; ; window *= 4)
            {
                var hits = await ReadHits(
                    db,
                    "WITH best AS (SELECT rowid AS id, bm25(search, 0, 0, 0, 0, 0, 0, 10.0, 1.0) AS score FROM search WHERE search MATCH @match ORDER BY score LIMIT @window) " +
                    "SELECT s.kind, s.ref, s.shown, s.detail FROM best JOIN search s ON s.rowid = best.id WHERE (s.public = 1 OR @signedIn) AND (s.expires IS NULL OR s.expires > @now) ORDER BY best.score LIMIT @limit",
                    match,
                    signedIn,
                    limit,
                    window,
                    cancel);
                if (hits.Count >= limit || await CountAsync(db, "SELECT count(*) FROM (SELECT rowid FROM search WHERE search MATCH @match LIMIT @window)", match, window, cancel) < window)
                {
                    return hits;
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> CountAsync(HubDbContext db, string sql, string match, long window, CancellationToken cancel)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        Parameter(command, "@match", match);
        Parameter(command, "@window", window);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancel), CultureInfo.InvariantCulture);
    }

    private static async Task<List<SearchHit>> ReadHits(HubDbContext db, string sql, string match, bool signedIn, int limit, long window, CancellationToken cancel)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        Parameter(command, "@match", match);
        Parameter(command, "@signedIn", signedIn);
        Parameter(command, "@now", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Parameter(command, "@limit", limit);
        if (window > 0)
        {
            Parameter(command, "@window", window);
        }

        var hits = new List<SearchHit>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            hits.Add(new SearchHit(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3)));
        }

        return hits;
    }

    /// <summary>What the index holds of one entity: the folded text it matches, what a hit shows, and who may see it.</summary>
    private sealed record IndexRow(string Kind, int Id, string Title, string Body, string Detail, bool Public = true, DateTime? Expires = null);

    private static IndexRow Row(Person p, Organisation? organisation) =>
        new("person", p.Id, p.Name, $"{p.Affiliation} {organisation?.Name} {organisation?.City} {p.Country} {p.Expertise} {p.Pillar} {p.Biography}", $"{organisation?.Name ?? p.Affiliation}, {p.Country}", p.Public);

    private static IndexRow Row(Organisation o) =>
        new("organisation", o.Id, o.Name, $"{o.Kind} {o.City} {o.Country} {o.Offers} {o.Seeks}", $"{o.Kind}, {o.City}");

    private static IndexRow Row(Project p) =>
        new("project", p.Id, p.Title, $"{p.Summary} {p.Pillar} {p.Outputs} {string.Join(' ', p.Partners.Select(o => o.Name + " " + o.City))}", p.Pillar.ToString());

    private static IndexRow Row(Offer o, Organisation? organisation) =>
        new("offer", o.Id, o.Title, $"{o.Kind} {o.Pillar} {o.Description} {organisation?.Name} {organisation?.City}", $"{o.Kind}, {organisation?.Name}", Expires: o.ExpiresAt);

    private static async Task WriteAsync(HubDbContext db, IReadOnlyList<IndexRow> rows, CancellationToken cancel, bool replace = true)
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
                ? "INSERT INTO search_index (kind, ref, shown, detail, public, expires, document) VALUES (@kind, @ref, @shown, @detail, @public, @expires, setweight(to_tsvector('simple', @title), 'A') || setweight(to_tsvector('simple', @body), 'D'))"
                : "INSERT INTO search (kind, ref, shown, detail, public, expires, title, body) VALUES (@kind, @ref, @shown, @detail, @public, @expires, @title, @body)";
            var kind = Parameter(insert, "@kind", string.Empty);
            var reference = Parameter(insert, "@ref", 0);
            var shown = Parameter(insert, "@shown", string.Empty);
            var detail = Parameter(insert, "@detail", string.Empty);
            var visible = Parameter(insert, "@public", true);
            var expires = Parameter(insert, "@expires", DBNull.Value);
            var title = Parameter(insert, "@title", string.Empty);
            var body = Parameter(insert, "@body", string.Empty);
            foreach (var row in rows)
            {
                deleteKind.Value = kind.Value = row.Kind;
                deleteRef.Value = reference.Value = row.Id;
                shown.Value = row.Title;
                detail.Value = row.Detail;
                visible.Value = row.Public;
                expires.Value = row.Expires is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeSeconds() : DBNull.Value;
                title.Value = TextFolding.Fold(row.Title);
                body.Value = TextFolding.Fold(row.Body);
                if (replace)
                {
                    await delete.ExecuteNonQueryAsync(cancel);
                }

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

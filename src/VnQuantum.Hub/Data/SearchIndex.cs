using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace VnQuantum.Hub.Data;

/// <summary>One search result: what it is, its id, and its title as written (with diacritics).</summary>
public sealed record SearchHit(string Kind, int Id, string Title, string Detail);

/// <summary>
/// Full-text search across people, organisations and projects in Vietnamese and English, insensitive to diacritics:
/// an SQLite FTS5 table (unicode61 tokenizer, remove_diacritics 2) over text folded by <see cref="TextFolding"/> (which
/// also folds đ, which remove_diacritics keeps), queried with the same folding, every word a prefix, ranked by BM25.
/// </summary>
public static partial class SearchIndex
{
    /// <summary>Drops and refills the index from the entities (the bundled data set is small; edits will update rows).</summary>
    public static async Task RebuildAsync(HubDbContext db, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancel);
        try
        {
            await Execute(connection, "DROP TABLE IF EXISTS search; CREATE VIRTUAL TABLE search USING fts5(kind UNINDEXED, ref UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');", cancel);
            await using var transaction = await connection.BeginTransactionAsync(cancel);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO search (kind, ref, title, body) VALUES ($kind, $ref, $title, $body)";
            var kind = Parameter(insert, "$kind");
            var reference = Parameter(insert, "$ref");
            var title = Parameter(insert, "$title");
            var body = Parameter(insert, "$body");
            async Task Add(string k, int id, string t, string b)
            {
                kind.Value = k;
                reference.Value = id;
                title.Value = TextFolding.Fold(t);
                body.Value = TextFolding.Fold(b);
                await insert.ExecuteNonQueryAsync(cancel);
            }

            foreach (var p in await db.People.AsNoTracking().Include(p => p.Organisation).ToListAsync(cancel))
            {
                await Add("person", p.Id, p.Name, $"{p.Affiliation} {p.Organisation?.Name} {p.Organisation?.City} {p.Country} {p.Expertise} {p.Pillar} {p.Biography}");
            }

            foreach (var o in await db.Organisations.AsNoTracking().ToListAsync(cancel))
            {
                await Add("organisation", o.Id, o.Name, $"{o.Kind} {o.City} {o.Country} {o.Offers} {o.Seeks}");
            }

            foreach (var p in await db.Projects.AsNoTracking().Include(p => p.Partners).ToListAsync(cancel))
            {
                await Add("project", p.Id, p.Title, $"{p.Summary} {p.Pillar} {string.Join(' ', p.Partners.Select(o => o.Name + " " + o.City))}");
            }

            await transaction.CommitAsync(cancel);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The best matches for <paramref name="query"/>, every word a prefix ("Ha Noi" finds "Hà Nội").</summary>
    public static async Task<IReadOnlyList<SearchHit>> QueryAsync(HubDbContext db, string? query, int limit = 50, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var words = Words().Matches(TextFolding.Fold(query)).Select(m => m.Value).Take(12).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        string match = string.Join(' ', words.Select(w => $"\"{w}\"*"));
        var found = new List<(string Kind, int Id)>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancel);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT kind, ref FROM search WHERE search MATCH $match ORDER BY bm25(search, 0, 0, 10.0, 1.0) LIMIT $limit";
            Parameter(command, "$match").Value = match;
            Parameter(command, "$limit").Value = limit;
            await using var reader = await command.ExecuteReaderAsync(cancel);
            while (await reader.ReadAsync(cancel))
            {
                found.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        // Titles as written, from the entities.
        var personIds = found.Where(f => f.Kind == "person").Select(f => f.Id).ToList();
        var organisationIds = found.Where(f => f.Kind == "organisation").Select(f => f.Id).ToList();
        var projectIds = found.Where(f => f.Kind == "project").Select(f => f.Id).ToList();
        var people = await db.People.AsNoTracking().Include(p => p.Organisation).Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancel);
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, cancel);
        var projects = await db.Projects.AsNoTracking().Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancel);
        return [.. found.Select(f => f.Kind switch
        {
            "person" => new SearchHit(f.Kind, f.Id, people[f.Id].Name, $"{people[f.Id].Organisation?.Name ?? people[f.Id].Affiliation}, {people[f.Id].Country}"),
            "organisation" => new SearchHit(f.Kind, f.Id, organisations[f.Id].Name, $"{organisations[f.Id].Kind}, {organisations[f.Id].City}"),
            _ => new SearchHit(f.Kind, f.Id, projects[f.Id].Title, projects[f.Id].Pillar.ToString()),
        })];
    }

    private static async Task Execute(DbConnection connection, string sql, CancellationToken cancel)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancel);
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}

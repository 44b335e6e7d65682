namespace VnQuantum.Hub.Plots;

/// <summary>Measurement counts cut to what a page shows: the commonest outcomes and what is left of the rest.</summary>
public static class Outcomes
{
    /// <summary>
    /// Every outcome in key order when there are at most <paramref name="most"/>; else the commonest
    /// <paramref name="most"/> − 1 (ties in key order), with the shots and the number of outcomes left over.
    /// </summary>
    public static (IReadOnlyList<(string Key, int Count)> Shown, int OtherShots, int OtherOutcomes) Top(IReadOnlyDictionary<string, int> counts, int most)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count <= most)
        {
            return ([.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value))], 0, 0);
        }

        var ranked = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        var shown = ranked.Take(most - 1).Select(c => (c.Key, c.Value)).ToList();
        var rest = ranked.Skip(most - 1).ToList();
        return (shown, rest.Sum(c => c.Value), rest.Count);
    }

    /// <summary>All outcomes, commonest first (ties in key order), in pages of <paramref name="size"/> rows.</summary>
    public static IReadOnlyList<IReadOnlyList<(string Key, int Count)>> Pages(IReadOnlyDictionary<string, int> counts, int size)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)).Chunk(size).Select(p => (IReadOnlyList<(string, int)>)p)];
    }
}

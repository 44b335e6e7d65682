namespace VnQuantum.Circuits.OpenQasm;

/// <summary>The "did you mean" of both front ends' errors for an unknown name: one distance, one tie-break.</summary>
internal static class NameSuggestion
{
    /// <summary>"— did you mean 'cx'?" for the closest known name within edit distance 2, else nothing.</summary>
    public static string Suggest(string name, IEnumerable<string> candidates)
    {
        // Ties go to the longer common prefix: 'cxx' suggests 'cx' rather than 'c3x'.
        string? best = null;
        int bestDistance = 3;
        int bestPrefix = -1;
        foreach (var candidate in candidates.Distinct().Order(StringComparer.Ordinal))
        {
            int d = EditDistance(name, candidate, bestDistance + 1);
            int prefix = CommonPrefix(name, candidate);
            if (d < bestDistance || (d == bestDistance && best is not null && prefix > bestPrefix))
            {
                best = candidate;
                bestDistance = d;
                bestPrefix = prefix;
            }
        }

        return best is null ? string.Empty : $" — did you mean '{best}'?";
    }

    private static int CommonPrefix(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }

    private static int EditDistance(string a, string b, int cap)
    {
        if (Math.Abs(a.Length - b.Length) >= cap || a.Length > 64 || b.Length > 64)
        {
            return cap;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

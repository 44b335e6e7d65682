namespace VnQuantum.Kms.Peers;

/// <summary>
/// How many keys each master SAE may lose to failed peer exchanges: a token bucket of <c>capacity</c> keys refilled at
/// <c>capacity</c> per minute. A master whose budget cannot cover a request is refused before anything is reserved,
/// so no SAE (or retrying client) can drain a pool through a flaky link faster than that.
/// </summary>
public sealed class BurnBudget(int capacity, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = [];

    /// <summary>Keys burned for all masters since start.</summary>
    public long Burned { get; private set; }

    /// <summary>Whether <paramref name="master"/> may risk <paramref name="keys"/> more keys now.</summary>
    public bool Allows(string master, int keys)
    {
        lock (_gate)
        {
            return Refill(master) >= keys;
        }
    }

    /// <summary>Charges <paramref name="keys"/> burned keys to <paramref name="master"/>.</summary>
    public void Charge(string master, int keys)
    {
        lock (_gate)
        {
            _buckets[master] = (Refill(master) - keys, _time.GetUtcNow());
            Burned += keys;
        }
    }

    private double Refill(string master)
    {
        var now = _time.GetUtcNow();
        if (!_buckets.TryGetValue(master, out var b))
        {
            return capacity;
        }

        double tokens = Math.Min(capacity, b.Tokens + ((now - b.At).TotalMinutes * capacity));
        _buckets[master] = (tokens, now);
        return tokens;
    }
}

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

    /// <summary>Takes <paramref name="keys"/> from <paramref name="master"/>'s budget before its keys are put at risk,
    /// or false (nothing taken) when the budget cannot cover them. Concurrent requests so share one budget: they
    /// cannot all pass a check made before any of them burned.</summary>
    public bool TryTake(string master, int keys)
    {
        lock (_gate)
        {
            double tokens = Refill(master);
            if (tokens < keys)
            {
                return false;
            }

            _buckets[master] = (tokens - keys, _time.GetUtcNow());
            return true;
        }
    }

    /// <summary>The keys were not burned after all (the peer acknowledged): back into the budget.</summary>
    public void Refund(string master, int keys)
    {
        lock (_gate)
        {
            _buckets[master] = (Math.Min(capacity, Refill(master) + keys), _time.GetUtcNow());
        }
    }

    /// <summary>Counts keys burned (their tokens were taken by <see cref="TryTake"/>).</summary>
    public void CountBurned(int keys)
    {
        lock (_gate)
        {
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

namespace VnQuantum.Kms.Peers;

/// <summary>
/// Whether each peer KME answers, as the last exchange with it found. A peer that failed is down until a probe (or a
/// later exchange) reaches it; probes back off exponentially from <see cref="FirstBackoff"/> to
/// <see cref="MaxBackoff"/>. A master's enc_keys for a link whose peer is down is refused before any key is reserved,
/// so an outage (or a client retrying through one) burns nothing after it is first seen.
/// </summary>
public sealed class PeerHealth(IEnumerable<string> peers, TimeProvider? time = null)
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, State> _states = peers.ToDictionary(p => p, _ => new State());

    /// <summary>Raised outside the lock when a peer goes up or down: (peer, up, why).</summary>
    public event Action<string, bool, string>? Changed;

    /// <summary>The peers this KME has.</summary>
    public IReadOnlyCollection<string> Peers => _states.Keys;

    /// <summary>True unless the last exchange with <paramref name="peer"/> failed. Unknown peers are down.</summary>
    public bool IsUp(string peer)
    {
        lock (_gate)
        {
            return _states.TryGetValue(peer, out var s) && s.Up;
        }
    }

    /// <summary>When the peer went down, or null while it is up.</summary>
    public DateTimeOffset? DownSince(string peer)
    {
        lock (_gate)
        {
            return _states.TryGetValue(peer, out var s) && !s.Up ? s.Since : null;
        }
    }

    /// <summary>The peer answered (even with a refusal: it is reachable).</summary>
    public void ReportReachable(string peer) => Set(peer, up: true, "answered");

    /// <summary>The peer could not be reached, or did not answer in time.</summary>
    public void ReportUnreachable(string peer, string why) => Set(peer, up: false, why);

    /// <summary>Down peers whose next probe is due; each is given its next back-off.</summary>
    public IReadOnlyList<string> DueForProbe()
    {
        var now = _time.GetUtcNow();
        var due = new List<string>();
        lock (_gate)
        {
            foreach (var (peer, s) in _states)
            {
                if (!s.Up && now >= s.NextProbe)
                {
                    due.Add(peer);
                    s.Backoff = s.Backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(s.Backoff.Ticks * 2, MaxBackoff.Ticks));
                    s.NextProbe = now + s.Backoff;
                }
            }
        }

        return due;
    }

    private void Set(string peer, bool up, string why)
    {
        bool changed;
        lock (_gate)
        {
            if (!_states.TryGetValue(peer, out var s))
            {
                return;
            }

            changed = s.Up != up;
            if (changed)
            {
                s.Up = up;
                s.Since = _time.GetUtcNow();
                s.Backoff = up ? TimeSpan.Zero : FirstBackoff;
                s.NextProbe = s.Since + s.Backoff;
            }
        }

        if (changed)
        {
            Changed?.Invoke(peer, up, why);
        }
    }

    private sealed class State
    {
        public bool Up = true;
        public DateTimeOffset Since = DateTimeOffset.MinValue;
        public TimeSpan Backoff = TimeSpan.Zero;
        public DateTimeOffset NextProbe = DateTimeOffset.MinValue;
    }
}

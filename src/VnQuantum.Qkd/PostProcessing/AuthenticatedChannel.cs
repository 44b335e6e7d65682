namespace VnQuantum.Qkd.PostProcessing;

/// <summary>The two ends of a QKD link.</summary>
public enum Party
{
    Alice,
    Bob,
}

/// <summary>Thrown when a message fails Wegman–Carter verification: the chain stops; nothing from it may be used.</summary>
public sealed class AuthenticationFailedException(string message) : Exception(message);

/// <summary>Thrown when the pre-shared authentication key runs out before the chain finishes.</summary>
public sealed class AuthenticationKeyExhaustedException(string message) : Exception(message);

/// <summary>
/// One party's store of secret key for authentication: a pre-shared key at first, replenished from produced key. Both
/// parties hold identical pools and consume them in lockstep.
/// </summary>
public sealed class AuthenticationKeyPool : IDisposable
{
    private readonly Queue<ulong> _words = new();

    /// <summary>A pool holding a copy of <paramref name="preShared"/> (whole 64-bit words only).</summary>
    public AuthenticationKeyPool(KeyBits preShared) => Replenish(preShared);

    /// <summary>Bits consumed so far.</summary>
    public long ConsumedBits { get; private set; }

    /// <summary>Bits left.</summary>
    public long AvailableBits => _words.Count * 64L;

    /// <summary>Adds the whole words of <paramref name="fresh"/> to the pool.</summary>
    public void Replenish(KeyBits fresh)
    {
        int whole = fresh.Length / 64;
        for (int i = 0; i < whole; i++)
        {
            _words.Enqueue(fresh.Words[i]);
        }
    }

    /// <summary>Takes the next 64 secret bits.</summary>
    public ulong Take64()
    {
        if (!_words.TryDequeue(out ulong w))
        {
            throw new AuthenticationKeyExhaustedException("the authentication key pool is empty: pre-share a longer key");
        }

        ConsumedBits += 64;
        return w;
    }

    public void Dispose()
    {
        _words.Clear();
    }
}

/// <summary>
/// The public classical channel between Alice and Bob, authenticated by Wegman–Carter: every message carries the tag
/// h_k(m) ⊕ r, with h the <see cref="PolynomialHash"/> under a long-lived secret k and r 64 fresh one-time-pad bits.
/// A forgery succeeds with probability at most (L+1)/2⁶⁴ for an L-block message. Costs 64 bits for k, then 64 per message.
/// </summary>
public sealed class AuthenticatedChannel
{
    private readonly AuthenticationKeyPool _alice;
    private readonly AuthenticationKeyPool _bob;
    private readonly ulong _aliceHashKey;
    private readonly ulong _bobHashKey;
    private readonly Func<int, byte[], byte[]>? _inTransit;

    /// <param name="alice">Alice's copy of the authentication key.</param>
    /// <param name="bob">Bob's copy.</param>
    /// <param name="inTransit">What the network does to message i on its way (tests use it to tamper); null: nothing.</param>
    public AuthenticatedChannel(AuthenticationKeyPool alice, AuthenticationKeyPool bob, Func<int, byte[], byte[]>? inTransit = null)
    {
        _alice = alice;
        _bob = bob;
        _inTransit = inTransit;
        _aliceHashKey = alice.Take64();
        _bobHashKey = bob.Take64();
    }

    /// <summary>Messages sent so far.</summary>
    public int Messages { get; private set; }

    /// <summary>Payload bytes sent so far.</summary>
    public long PayloadBytes { get; private set; }

    /// <summary>
    /// Sends <paramref name="message"/> from <paramref name="sender"/> and returns what the receiver accepts. Throws
    /// <see cref="AuthenticationFailedException"/> when the tag does not verify.
    /// </summary>
    public byte[] Send(Party sender, byte[] message)
    {
        var (senderPool, senderKey, receiverPool, receiverKey) = sender == Party.Alice
            ? (_alice, _aliceHashKey, _bob, _bobHashKey)
            : (_bob, _bobHashKey, _alice, _aliceHashKey);
        ulong tag = PolynomialHash.Compute(senderKey, message) ^ senderPool.Take64();

        int index = Messages++;
        PayloadBytes += message.Length;
        byte[] received = _inTransit?.Invoke(index, (byte[])message.Clone()) ?? message;

        ulong expected = PolynomialHash.Compute(receiverKey, received) ^ receiverPool.Take64();
        if (expected != tag)
        {
            throw new AuthenticationFailedException($"message {index} from {sender} failed authentication: the chain is stopped");
        }

        return received;
    }
}

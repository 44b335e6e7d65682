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
/// The public classical channel between Alice and Bob, authenticated by Wegman–Carter. Each party keeps the transcript
/// of what it sent and what it received; at every <see cref="Checkpoint"/> the sender of each direction sends the tag
/// h_k(transcript) ⊕ r, with h the <see cref="PolynomialHash"/> under a long-lived secret k and r 64 fresh
/// one-time-pad bits, and the receiver checks it against its own view. Nothing that depends on a message is used
/// before the checkpoint that covers it (the chain places one at the end of every stage), so a forged or altered
/// message is caught with probability ≥ 1 − (L+1)/2⁶⁴ for an L-block transcript. Costs 128 bits for the two hash
/// keys, then 128 bits per checkpoint: far less than one tag per Cascade message.
/// </summary>
public sealed class AuthenticatedChannel
{
    private readonly AuthenticationKeyPool _alice;
    private readonly AuthenticationKeyPool _bob;
    private readonly ulong _aliceHashKey;
    private readonly ulong _bobHashKey;
    private readonly Func<int, byte[], byte[]>? _inTransit;

    // [direction, view]: direction 0 = Alice→Bob, 1 = Bob→Alice; view 0 = as sent, 1 = as received.
    private readonly List<byte>[,] _transcripts = { { new(), new() }, { new(), new() } };

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

    /// <summary>Checkpoints passed so far.</summary>
    public int Checkpoints { get; private set; }

    /// <summary>Sends <paramref name="message"/> from <paramref name="sender"/> and returns what the receiver got.
    /// Until the next <see cref="Checkpoint"/> the receiver must treat it as unauthenticated.</summary>
    public byte[] Send(Party sender, byte[] message)
    {
        int index = Messages++;
        PayloadBytes += message.Length;
        byte[] received = _inTransit?.Invoke(index, (byte[])message.Clone()) ?? message;
        int direction = sender == Party.Alice ? 0 : 1;
        Append(_transcripts[direction, 0], message);
        Append(_transcripts[direction, 1], received);
        return received;
    }

    /// <summary>
    /// Authenticates everything sent since the last checkpoint, in both directions. Throws
    /// <see cref="AuthenticationFailedException"/> when a transcript differs from what its sender sent.
    /// </summary>
    public void Checkpoint()
    {
        Checkpoints++;
        Verify(0, _aliceHashKey, _alice, _bobHashKey, _bob, Party.Alice);
        Verify(1, _bobHashKey, _bob, _aliceHashKey, _alice, Party.Bob);
    }

    private void Verify(int direction, ulong senderKey, AuthenticationKeyPool senderPool, ulong receiverKey, AuthenticationKeyPool receiverPool, Party sender)
    {
        var sent = _transcripts[direction, 0];
        var received = _transcripts[direction, 1];
        ulong tag = PolynomialHash.Compute(senderKey, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sent)) ^ senderPool.Take64();
        ulong expected = PolynomialHash.Compute(receiverKey, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(received)) ^ receiverPool.Take64();
        sent.Clear();
        received.Clear();
        if (tag != expected)
        {
            throw new AuthenticationFailedException($"the messages from {sender} before checkpoint {Checkpoints} failed authentication: the chain is stopped");
        }
    }

    private static void Append(List<byte> transcript, byte[] message)
    {
        // A length prefix frames each message, so two different message sequences never give the same transcript.
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, message.Length);
        transcript.AddRange(length);
        transcript.AddRange(message);
    }
}

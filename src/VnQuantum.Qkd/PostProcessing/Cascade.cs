using System.Buffers.Binary;
using VnQuantum.Randomness;

namespace VnQuantum.Qkd.PostProcessing;

/// <summary>Block-size schedules of Cascade.</summary>
public enum CascadeVariant
{
    /// <summary>Brassard and Salvail (1993): k₁ = ⌈0.73/p⌉, kᵢ = 2·kᵢ₋₁, 4 passes.</summary>
    Original,

    /// <summary>
    /// Option (7) of Martinez-Mateo, Pacher, Peev, Ciurana, Martin, arXiv:1407.3257: k₁ = 2^⌈log₂(1/p)⌉, k₂ = 4·k₁,
    /// kᵢ = n/2 afterwards, 14 passes. (The paper adds sub-block reuse, which is not implemented here.)
    /// </summary>
    Option7,

    /// <summary>Yan et al. (2008): k₁ = ⌈0.8/p⌉, k₂ = 5·k₁, kᵢ = n/2 afterwards, 10 passes.</summary>
    Yan,
}

/// <summary>What one Cascade run cost.</summary>
/// <param name="LeakedBits">Parities disclosed (each one bit of information for Eve).</param>
/// <param name="CorrectedBits">Bits Bob flipped.</param>
/// <param name="Rounds">Request/response round trips on the public channel.</param>
public sealed record CascadeResult(long LeakedBits, long CorrectedBits, int Rounds)
{
    /// <summary>f = leaked / (n·h(QBER)), with the true QBER of the block.</summary>
    public double Efficiency(int blockBits, double qber) => LeakedBits / (blockBits * KeyRates.BinaryEntropy.Of(qber));
}

/// <summary>
/// Cascade interactive error correction (Brassard and Salvail, EUROCRYPT '93): Alice discloses block parities of
/// shuffled copies of her key; Bob finds an error in each odd block by binary search, and each correction re-opens
/// the blocks of earlier passes that contain it. Searches run in parallel, one round trip per search level, and every
/// message goes over the <see cref="AuthenticatedChannel"/>.
/// </summary>
public static class Cascade
{
    /// <summary>
    /// Corrects <paramref name="bob"/> in place towards <paramref name="alice"/>. <paramref name="estimatedQber"/>
    /// (from parameter estimation) sets the block sizes; <paramref name="shuffleSeed"/> is public randomness both
    /// sides share. Alice's key is only read to answer parity requests that arrive over the channel.
    /// </summary>
    public static CascadeResult Reconcile(KeyBits alice, KeyBits bob, double estimatedQber, CascadeVariant variant, ulong shuffleSeed, AuthenticatedChannel channel)
    {
        int n = alice.Length;
        if (bob.Length != n)
        {
            throw new ArgumentException("Alice's and Bob's blocks differ in length", nameof(bob));
        }

        if (n == 0)
        {
            return new CascadeResult(0, 0, 0);
        }

        double p = Math.Clamp(estimatedQber, 1e-5, 0.5);
        int[] sizes = BlockSizes(variant, p, n);
        var passes = new List<Pass>();
        long leaked = 0, corrected = 0;
        int rounds = 0;
        var pending = new Queue<Search>();

        for (int index = 0; index < sizes.Length; index++)
        {
            var pass = new Pass(n, sizes[index], index == 0 ? null : new SeededRandom(shuffleSeed + (ulong)index));
            passes.Add(pass);

            // Alice announces the parity of every block of this pass.
            byte[] announced = channel.Send(Party.Alice, BitPacking.Pack(pass.BlockCount, b => pass.Parity(alice, b * pass.BlockSize, pass.BlockEnd(b))));
            leaked += pass.BlockCount;
            for (int b = 0; b < pass.BlockCount; b++)
            {
                pass.AliceBlockParity[b] = BitPacking.Read(announced, b);
                pass.Mismatch[b] = pass.AliceBlockParity[b] != pass.Parity(bob, b * pass.BlockSize, pass.BlockEnd(b));
                if (pass.Mismatch[b])
                {
                    pending.Enqueue(new Search(index, b * pass.BlockSize, pass.BlockEnd(b), pass.AliceBlockParity[b]));
                }
            }

            // Binary searches, all active ones advancing together: one request and one answer per level.
            while (pending.Count > 0)
            {
                // Searches in small blocks first: they are cheap, and the errors they fix often even out the large
                // blocks of later passes, whose searches are then dropped unasked.
                int smallest = int.MaxValue;
                foreach (var s in pending)
                {
                    smallest = Math.Min(smallest, s.Pass);
                }

                var active = new List<Search>();
                for (int count = pending.Count; count > 0; count--)
                {
                    var s = pending.Dequeue();
                    if (s.Pass != smallest)
                    {
                        pending.Enqueue(s);
                        continue;
                    }

                    var pp = passes[s.Pass];
                    // A correction elsewhere may have evened this range out: then it holds no error to find.
                    if (pp.Parity(bob, s.Lo, s.Hi) == s.AliceParity)
                    {
                        continue;
                    }

                    if (s.Hi - s.Lo == 1)
                    {
                        int bit = pp.Order[s.Lo];
                        bob.Flip(bit);
                        corrected++;
                        foreach (var q in passes)
                        {
                            int b = q.BlockOf(bit);
                            q.Mismatch[b] = !q.Mismatch[b];
                            if (q.Mismatch[b])
                            {
                                pending.Enqueue(new Search(passes.IndexOf(q), b * q.BlockSize, q.BlockEnd(b), q.AliceBlockParity[b]));
                            }
                        }

                        continue;
                    }

                    active.Add(s);
                }

                if (active.Count == 0)
                {
                    continue;
                }

                byte[] request = new byte[active.Count * 10];
                for (int i = 0; i < active.Count; i++)
                {
                    var s = active[i];
                    BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(i * 10), (ushort)s.Pass);
                    BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan((i * 10) + 2), s.Lo);
                    BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan((i * 10) + 6), s.Mid);
                }

                byte[] received = channel.Send(Party.Bob, request);
                byte[] answer = channel.Send(Party.Alice, AnswerParities(alice, passes, received));
                rounds++;
                leaked += active.Count;
                for (int i = 0; i < active.Count; i++)
                {
                    var s = active[i];
                    bool aliceLeft = BitPacking.Read(answer, i);
                    bool bobLeft = passes[s.Pass].Parity(bob, s.Lo, s.Mid);
                    pending.Enqueue(aliceLeft != bobLeft
                        ? new Search(s.Pass, s.Lo, s.Mid, aliceLeft)
                        : new Search(s.Pass, s.Mid, s.Hi, s.AliceParity ^ aliceLeft));
                }
            }
        }

        return new CascadeResult(leaked, corrected, rounds);
    }

    /// <summary>The block size of each pass for QBER <paramref name="p"/> and <paramref name="n"/> bits.</summary>
    public static int[] BlockSizes(CascadeVariant variant, double p, int n)
    {
        int Cap(double k) => (int)Math.Clamp(Math.Ceiling(k), 1, Math.Max(1, n));
        int half = Math.Max(1, n / 2);
        switch (variant)
        {
            case CascadeVariant.Original:
                {
                    int k1 = Cap(0.73 / p);
                    return [k1, Cap(2.0 * k1), Cap(4.0 * k1), Cap(8.0 * k1)];
                }

            case CascadeVariant.Yan:
                {
                    int k1 = Cap(0.8 / p);
                    var sizes = new int[10];
                    sizes[0] = k1;
                    sizes[1] = Cap(5.0 * k1);
                    for (int i = 2; i < sizes.Length; i++)
                    {
                        sizes[i] = half;
                    }

                    return sizes;
                }

            default:
                {
                    int k1 = Cap(Math.Pow(2, Math.Ceiling(Math.Log2(1 / p))));
                    var sizes = new int[14];
                    sizes[0] = k1;
                    sizes[1] = Cap(4.0 * k1);
                    for (int i = 2; i < sizes.Length; i++)
                    {
                        sizes[i] = half;
                    }

                    return sizes;
                }
        }
    }

    private static byte[] AnswerParities(KeyBits alice, List<Pass> passes, byte[] request)
    {
        int count = request.Length / 10;
        return BitPacking.Pack(count, i =>
        {
            int pass = BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(i * 10));
            int lo = BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan((i * 10) + 2));
            int hi = BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan((i * 10) + 6));
            return passes[pass].Parity(alice, lo, hi);
        });
    }



    private readonly record struct Search(int Pass, int Lo, int Hi, bool AliceParity)
    {
        public int Mid => Lo + ((Hi - Lo) / 2);
    }

    /// <summary>One pass: a public permutation of the key split into blocks of equal size (the last may be short).</summary>
    private sealed class Pass
    {
        public Pass(int n, int blockSize, SeededRandom? shuffle)
        {
            BlockSize = blockSize;
            BlockCount = (n + blockSize - 1) / blockSize;
            Order = new int[n];
            for (int i = 0; i < n; i++)
            {
                Order[i] = i;
            }

            if (shuffle is not null)
            {
                for (int i = n - 1; i > 0; i--)
                {
                    int j = (int)shuffle.NextInt64(i + 1);
                    (Order[i], Order[j]) = (Order[j], Order[i]);
                }

                Position = new int[n];
                for (int i = 0; i < n; i++)
                {
                    Position[Order[i]] = i;
                }
            }

            AliceBlockParity = new bool[BlockCount];
            Mismatch = new bool[BlockCount];
        }

        public int BlockSize { get; }

        public int BlockCount { get; }

        /// <summary>Order[i]: the key index at shuffled position i.</summary>
        public int[] Order { get; }

        /// <summary>Inverse of <see cref="Order"/>; null for the identity (the first pass).</summary>
        public int[]? Position { get; }

        public bool[] AliceBlockParity { get; }

        /// <summary>Whether Bob's block parity differs from Alice's, kept up to date as bits are corrected.</summary>
        public bool[] Mismatch { get; }

        public int BlockEnd(int block) => Math.Min(Order.Length, (block + 1) * BlockSize);

        public int BlockOf(int bit) => (Position is null ? bit : Position[bit]) / BlockSize;

        public bool Parity(KeyBits key, int lo, int hi)
        {
            if (Position is null)
            {
                return RangeParity(key.Words, lo, hi);
            }

            int parity = 0;
            for (int i = lo; i < hi; i++)
            {
                int bit = Order[i];
                parity ^= (int)(key.Words[bit >> 6] >> (bit & 63)) & 1;
            }

            return parity != 0;
        }

        private static bool RangeParity(ReadOnlySpan<ulong> words, int lo, int hi)
        {
            ulong acc = 0;
            for (int i = lo; i < hi;)
            {
                int w = i >> 6, offset = i & 63;
                int take = Math.Min(64 - offset, hi - i);
                ulong mask = take == 64 ? ulong.MaxValue : ((1UL << take) - 1) << offset;
                acc ^= words[w] & mask;
                i += take;
            }

            return (System.Numerics.BitOperations.PopCount(acc) & 1) != 0;
        }
    }
}

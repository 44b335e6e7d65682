using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using VnQuantum.Randomness;

namespace VnQuantum.Qkd.LinkSimulation;

/// <summary>One pulse that made Bob click: what Alice prepared and what Bob saw.</summary>
/// <param name="Pulse">Index of the pulse in the run.</param>
/// <param name="Intensity">0, 1, 2: which of μ₁, μ₂, μ₃ Alice sent.</param>
/// <param name="AliceBasis">0 = X (key), 1 = Z (test).</param>
/// <param name="AliceBit">Alice's bit.</param>
/// <param name="BobBasis">Bob's measurement basis.</param>
/// <param name="BobBit">Bob's bit (double clicks get a random bit).</param>
public readonly record struct Detection(long Pulse, byte Intensity, byte AliceBasis, byte AliceBit, byte BobBasis, byte BobBit);

/// <summary>What to simulate.</summary>
/// <param name="Link">The physical link.</param>
/// <param name="Settings">Intensities, their probabilities and the key-basis probability.</param>
/// <param name="Pulses">Pulses Alice sends.</param>
/// <param name="Seed">Seed: the same seed gives the same detections on any thread count.</param>
/// <param name="EveInterceptFraction">Fraction of pulses Eve intercepts and resends (0: no Eve).</param>
/// <param name="Threads">Worker threads (0: all cores).</param>
public sealed record LinkSimulationOptions(
    QkdLink Link,
    DecoySettings Settings,
    long Pulses,
    ulong Seed,
    double EveInterceptFraction = 0,
    int Threads = 0);

/// <summary>The output of a link run: Bob's clicks, in pulse order.</summary>
public sealed record LinkRecord(long PulsesSent, Detection[] Detections);

/// <summary>
/// Monte Carlo of a weak-coherent-pulse BB84 link, pulse by pulse: intensity, bases and bit choices; Poissonian photon
/// number; loss in fibre and at Bob; misalignment; dark counts; afterpulses and dead time; double clicks squashed to a
/// random bit; and optionally an intercept–resend eavesdropper.
/// </summary>
/// <remarks>
/// Each pulse costs one random word unless something can happen: by Poisson thinning the number of photons that
/// reach a detector is Poisson(η·μ), so a pulse is silent with probability e^(−ημ)·(1−p_dc)², and only the rest are
/// sampled in detail (conditioned on not being silent), which is exact. Pulses run in fixed batches of 2²² with their
/// own seeds, so results do not depend on the thread count; detector memory (dead time, afterpulse) resets at batch
/// boundaries, a negligible effect.
/// </remarks>
public static class LinkSimulator
{
    internal const int BatchPulses = 1 << 22;

    /// <summary>Runs the link; <paramref name="progress"/> receives the fraction done.</summary>
    public static LinkRecord Run(LinkSimulationOptions options, IProgress<double>? progress = null)
    {
        options.Link.EnsureValid();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Pulses);
        if (options.EveInterceptFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EveInterceptFraction, "eve.interceptFraction must be in [0, 1]");
        }

        long batches = (options.Pulses + BatchPulses - 1) / BatchPulses;
        var results = new Detection[batches][];
        var model = new PulseModel(options);
        long done = 0;
        Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount }, b =>
        {
            long first = b * BatchPulses;
            long count = Math.Min(BatchPulses, options.Pulses - first);
            results[b] = model.RunBatch(first, count, options.Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(b + 1)));
            progress?.Report(Interlocked.Add(ref done, count) / (double)options.Pulses);
        });

        int total = 0;
        foreach (var r in results)
        {
            total += r.Length;
        }

        var all = new Detection[total];
        int offset = 0;
        foreach (var r in results)
        {
            r.CopyTo(all, offset);
            offset += r.Length;
        }

        return new LinkRecord(options.Pulses, all);
    }

    private sealed class PulseModel
    {
        private readonly double[] _mu;
        private readonly double[] _cumulativeP;
        private readonly double[] _silent;
        private readonly double _eta;
        private readonly double _pdc;
        private readonly double _misalignment;
        private readonly double _afterpulse;
        private readonly long _deadPulses;
        private readonly double _qx;
        private readonly double _eve;

        public PulseModel(LinkSimulationOptions o)
        {
            var s = o.Settings;
            _mu = [s.Mu1, s.Mu2, s.Mu3];
            _cumulativeP = [s.P1, s.P1 + s.P2, 1.0];
            _eta = o.Link.SystemTransmittance;
            _pdc = o.Link.Detector.DarkCountProbability;
            _misalignment = o.Link.MisalignmentError;
            _afterpulse = o.Link.Detector.AfterpulseProbability;
            _deadPulses = (long)Math.Round(o.Link.Detector.DeadTimeSeconds * o.Link.RepetitionRateHz);
            _qx = s.KeyBasisProbability;
            _eve = o.EveInterceptFraction;
            _silent = new double[3];
            for (int k = 0; k < 3; k++)
            {
                _silent[k] = Math.Exp(-_eta * _mu[k]) * (1 - _pdc) * (1 - _pdc);
            }
        }

        public Detection[] RunBatch(long first, long count, ulong seed)
        {
            var rng = new SeededRandom(seed);
            var found = new List<Detection>();
            long blindUntil = -1;
            bool afterpulsePending = false;
            for (long i = 0; i < count; i++)
            {
                long pulse = first + i;
                double u = rng.NextDouble();
                int k = u < _cumulativeP[0] ? 0 : u < _cumulativeP[1] ? 1 : 2;
                double lo = k == 0 ? 0 : _cumulativeP[k - 1];
                double v = (u - lo) / (_cumulativeP[k] - lo);
                bool intercepted = _eve > 0 && rng.NextDouble() < _eve;
                if (pulse <= blindUntil)
                {
                    continue;
                }

                // The fast path: nothing reaches a detector, no dark count, no afterpulse due.
                if (!intercepted && !afterpulsePending && v < _silent[k])
                {
                    continue;
                }

                ulong choices = rng.NextUInt64();
                byte aliceBasis = (byte)(((choices & 0xFFFFFFFF) * (1.0 / 4294967296.0)) < _qx ? 0 : 1);
                byte bobBasis = (byte)((((choices >> 32) & 0xFFFFFF) * (1.0 / 16777216.0)) < _qx ? 0 : 1);
                byte aliceBit = (byte)((choices >> 56) & 1);
                bool click0 = false, click1 = false;

                if (intercepted)
                {
                    // Eve measures one photon (if any) in a random basis and resends it in her basis with her result.
                    if (rng.NextDouble() < 1 - Math.Exp(-_mu[k]))
                    {
                        byte eveBasis = (byte)((choices >> 57) & 1);
                        byte eveBit = eveBasis == aliceBasis ? aliceBit : (byte)((choices >> 58) & 1);
                        if (rng.NextDouble() < _eta)
                        {
                            Route(rng, eveBasis == bobBasis, eveBit, ref click0, ref click1);
                        }
                    }

                    DarkCounts(rng, ref click0, ref click1);
                }
                else
                {
                    double signal = 1 - Math.Exp(-_eta * _mu[k]);
                    double notSilent = 1 - _silent[k];
                    if (afterpulsePending)
                    {
                        // Unconditioned sampling: this pulse may or may not click.
                        int photons = SamplePoisson(rng, _eta * _mu[k], 0);
                        for (int p = 0; p < photons; p++)
                        {
                            Route(rng, aliceBasis == bobBasis, aliceBit, ref click0, ref click1);
                        }

                        DarkCounts(rng, ref click0, ref click1);
                        if (rng.NextDouble() < _afterpulse)
                        {
                            if ((rng.NextUInt64() & 1) == 0)
                            {
                                click0 = true;
                            }
                            else
                            {
                                click1 = true;
                            }
                        }

                        afterpulsePending = false;
                    }
                    else if (rng.NextDouble() * notSilent < signal)
                    {
                        // At least one photon detected: zero-truncated Poisson, then dark counts as usual.
                        int photons = SamplePoisson(rng, _eta * _mu[k], 1);
                        for (int p = 0; p < photons; p++)
                        {
                            Route(rng, aliceBasis == bobBasis, aliceBit, ref click0, ref click1);
                        }

                        DarkCounts(rng, ref click0, ref click1);
                    }
                    else
                    {
                        // No photon, at least one dark count.
                        double both = _pdc * _pdc, either = 1 - ((1 - _pdc) * (1 - _pdc));
                        double w = rng.NextDouble() * either;
                        if (w < both)
                        {
                            click0 = click1 = true;
                        }
                        else if (w < both + ((either - both) / 2))
                        {
                            click0 = true;
                        }
                        else
                        {
                            click1 = true;
                        }
                    }
                }

                if (!click0 && !click1)
                {
                    continue;
                }

                byte bobBit = click0 && click1 ? (byte)(rng.NextUInt64() & 1) : click1 ? (byte)1 : (byte)0;
                found.Add(new Detection(pulse, (byte)k, aliceBasis, aliceBit, bobBasis, bobBit));
                blindUntil = pulse + _deadPulses;
                afterpulsePending = _afterpulse > 0;
            }

            return [.. found];
        }

        private void Route(SeededRandom rng, bool basesMatch, byte bit, ref bool click0, ref bool click1)
        {
            int detector = basesMatch
                ? (rng.NextDouble() < _misalignment ? 1 - bit : bit)
                : (int)(rng.NextUInt64() & 1);
            if (detector == 0)
            {
                click0 = true;
            }
            else
            {
                click1 = true;
            }
        }

        private void DarkCounts(SeededRandom rng, ref bool click0, ref bool click1)
        {
            if (_pdc <= 0)
            {
                return;
            }

            if (rng.NextDouble() < _pdc)
            {
                click0 = true;
            }

            if (rng.NextDouble() < _pdc)
            {
                click1 = true;
            }
        }

        /// <summary>Poisson(mean) by inversion, conditioned on being at least <paramref name="minimum"/> (0 or 1).</summary>
        private static int SamplePoisson(SeededRandom rng, double mean, int minimum)
        {
            double p0 = Math.Exp(-mean);
            double total = minimum == 0 ? 1 : 1 - p0;
            double u = rng.NextDouble() * total;
            int n = minimum;
            double pn = minimum == 0 ? p0 : p0 * mean;
            while (u >= pn && n < 64)
            {
                u -= pn;
                n++;
                pn *= mean / n;
            }

            return n;
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using VnQuantum.Qkd.PostProcessing;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq qkd rate|simulate</c>: key rates against distance, and a whole link run through post-processing.</summary>
internal static class QkdCommand
{
    private static string Protocols => string.Join(", ", KeyRateProtocols.Names);

    public static Command Create(TextWriter output, TextWriter error) => new("qkd", "Quantum key distribution: key rates and link simulation.")
    {
        CreateRate(output, error),
        CreateSimulate(output, error),
    };

    private static Command CreateRate(TextWriter output, TextWriter error)
    {
        var protocol = new Option<string>("--protocol", "-p") { Description = $"One of: {Protocols}.", DefaultValueFactory = _ => "bb84-decoy" };
        protocol.AcceptOnlyFromAmong([.. KeyRateProtocols.Names]);
        var distance = new Option<string>("--distance", "-d") { Description = "Distance range in km, FROM..TO.", DefaultValueFactory = _ => "0..200" };
        var step = new Option<double>("--step") { Description = "Distance step in km.", DefaultValueFactory = _ => 5 };
        var finite = new Option<bool>("--finite") { Description = "Finite-key BB84 (Lim et al. 2014); same as --protocol bb84-finite." };
        var block = new Option<double>("--block") { Description = "Finite-key block n_X: sifted key-basis bits.", DefaultValueFactory = _ => 1e8 };
        var epsSec = new Option<double>("--eps-sec") { Description = "Finite-key secrecy ε_sec.", DefaultValueFactory = _ => 1e-10 };
        var epsCor = new Option<double>("--eps-cor") { Description = "Finite-key correctness ε_cor.", DefaultValueFactory = _ => 1e-15 };
        var link = new Option<string>("--link") { Description = $"Link preset: {QkdLinkLoader.Presets}.", DefaultValueFactory = _ => "gys" };
        var config = new Option<string?>("--config") { Description = "JSON file overriding link fields (fiber.lossDbPerKm, detector.efficiency, …)." };
        var plot = new Option<string?>("--plot") { Description = "Write a rate-vs-distance plot with the PLOB bound (.png or .svg)." };
        var format = OutputFormat.Create();

        var command = new Command("rate", "Secret key rate against distance, with the repeaterless (PLOB) bound.")
        {
            protocol, distance, step, finite, block, epsSec, epsCor, link, config, plot, format,
        };
        command.SetAction(parse =>
        {
            if (!TryRange(parse.GetValue(distance)!, out double from, out double to) || parse.GetValue(step) <= 0)
            {
                error.WriteLine("vnq: --distance takes FROM..TO in km (e.g. 0..200) and --step a positive number of km");
                return ExitCodes.Usage;
            }

            string name = parse.GetValue(finite) ? "bb84-finite" : parse.GetValue(protocol)!;
            double n = parse.GetValue(block);
            if (name == "bb84-finite" && n < 1e3)
            {
                error.WriteLine($"vnq: --block {n:G} is too small for the finite-key bound: use 10^3 sifted bits or more");
                return ExitCodes.InputError;
            }

            var baseLink = QkdLinkLoader.Load(parse.GetValue(link)!, parse.GetValue(config), 0, error);
            if (baseLink is null)
            {
                return ExitCodes.InputError;
            }

            if (name == "bb84-finite" && FiniteKeyDecoyBb84.Optimize(baseLink, n, parse.GetValue(epsSec), parse.GetValue(epsCor)).Result.KeyLengthBits <= 0)
            {
                error.WriteLine($"vnq: --block {n:G} is too small for ε_sec = {parse.GetValue(epsSec):G} and ε_cor = {parse.GetValue(epsCor):G}: the finite-key bound leaves no key even at 0 km");
                return ExitCodes.InputError;
            }

            var chosen = KeyRateProtocols.Find(name);
            var finiteBlock = new FiniteKeyBlock(n, parse.GetValue(epsSec), parse.GetValue(epsCor));
            var rows = new List<(double Km, KeyRatePoint Point, double Plob)>();
            for (double km = from; km <= to + 1e-9; km += parse.GetValue(step))
            {
                var l = baseLink.WithLength(km);
                rows.Add((km, chosen.Evaluate(l, finiteBlock), RepeaterlessBound.Plob(l.Fiber.Transmittance)));
            }

            if (parse.IsJson(format))
            {
                OutputFormat.WriteJson(output, new
                {
                    protocol = name,
                    link = parse.GetValue(link),
                    loss_db_per_km = baseLink.Fiber.LossDbPerKm,
                    detector_efficiency = baseLink.Detector.Efficiency,
                    repetition_rate_hz = baseLink.RepetitionRateHz,
                    block_bits = chosen.IsFiniteKey ? n : (double?)null,
                    points = rows.Select(r => new
                    {
                        distance_km = r.Km,
                        rate_bits_per_pulse = r.Point.RatePerPulse,
                        rate_bits_per_second = r.Point.RatePerPulse * baseLink.RepetitionRateHz,
                        plob_bits_per_pulse = r.Plob,
                        parameters = r.Point.Parameters.ToDictionary(p => p.Name, p => p.Value),
                    }),
                });
            }
            else
            {
                var console = Consoles.For(output);
                var table = new Table().Title($"{name} on the {parse.GetValue(link)} link ({baseLink.Fiber.LossDbPerKm} dB/km, η_Bob {baseLink.Detector.Efficiency}, {baseLink.RepetitionRateHz / 1e6:G} MHz)");
                table.AddColumns("km", "bits/pulse", "bits/s", "PLOB bits/pulse", "parameters");
                foreach (var r in rows)
                {
                    table.AddRow(F(r.Km, "0.#"), F(r.Point.RatePerPulse, "E3"), F(r.Point.RatePerPulse * baseLink.RepetitionRateHz, "E3"), F(r.Plob, "E3"), Markup.Escape(r.Point.Summary));
                }

                console.Write(table);
            }

            if (parse.GetValue(plot) is string plotPath)
            {
                RatePlot.Write(plotPath, name, rows.Select(r => (r.Km, r.Point.RatePerPulse, r.Plob)).ToList());
                (parse.IsJson(format) ? error : output).WriteLine($"plot written to {plotPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateSimulate(TextWriter output, TextWriter error)
    {
        var distance = new Option<double>("--distance", "-d") { Description = "Fibre length in km.", DefaultValueFactory = _ => 50 };
        var pulses = new Option<double>("--pulses", "-n") { Description = "Pulses Alice sends (e.g. 1e9).", DefaultValueFactory = _ => 1e8 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice.", DefaultValueFactory = _ => 7 };
        var eve = new Option<double>("--eve") { Description = "Fraction of pulses an intercept–resend eavesdropper attacks.", DefaultValueFactory = _ => 0 };
        var link = new Option<string>("--link") { Description = $"Link preset: {QkdLinkLoader.Presets}.", DefaultValueFactory = _ => "gys" };
        var config = new Option<string?>("--config") { Description = "JSON file overriding link fields." };
        var cascade = new Option<string>("--cascade") { Description = "Cascade schedule: yan, option7, original.", DefaultValueFactory = _ => "yan" };
        cascade.AcceptOnlyFromAmong("yan", "option7", "original");
        var reconciliation = new Option<string>("--reconciliation") { Description = "Error correction: cascade or ldpc.", DefaultValueFactory = _ => "cascade" };
        reconciliation.AcceptOnlyFromAmong("cascade", "ldpc");
        var threads = new Option<int>("--threads", "-t") { Description = "Threads for the link simulation; 0 = all.", DefaultValueFactory = _ => 0 };
        var keyOut = new Option<string?>("--key-out") { Description = "Write the final key (raw bytes) to this file." };
        var format = OutputFormat.Create();

        var command = new Command("simulate", "Run a decoy-BB84 link pulse by pulse and the whole post-processing chain; exit 4 when the exchange aborts.")
        {
            distance, pulses, seed, eve, link, config, cascade, reconciliation, threads, keyOut, format,
        };
        command.SetAction(parse =>
        {
            double km = parse.GetValue(distance), n = parse.GetValue(pulses), eveFraction = parse.GetValue(eve);
            if (n is < 1 or > 1e12 || eveFraction is < 0 or > 1)
            {
                error.WriteLine("vnq: --pulses must be in [1, 1e12] and --eve in [0, 1]");
                return ExitCodes.Usage;
            }

            var l = QkdLinkLoader.Load(parse.GetValue(link)!, parse.GetValue(config), km, error);
            if (l is null)
            {
                return ExitCodes.InputError;
            }

            var (_, _, tooSmall) = KeyExchange.Plan(l, n);
            if (tooSmall is not null)
            {
                error.WriteLine($"vnq: {tooSmall}");
                return ExitCodes.InputError;
            }

            var console = Consoles.For(output);
            var errConsole = Consoles.For(error);
            var exchangeOptions = new KeyExchangeOptions(
                l,
                (long)n,
                parse.GetValue(seed),
                eveFraction,
                parse.GetValue(cascade) switch { "option7" => CascadeVariant.Option7, "original" => CascadeVariant.Original, _ => CascadeVariant.Yan },
                parse.GetValue(reconciliation) == "ldpc" ? Reconciliation.Ldpc : Reconciliation.Cascade,
                parse.GetValue(threads));
            KeyExchangeResult exchange = null!;
            if (errConsole.Profile.Capabilities.Interactive)
            {
                errConsole.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("link", maxValue: 1.0);
                    exchange = KeyExchange.Run(exchangeOptions, new Progress<double>(f => task.Value = f));
                    task.Value = 1.0;
                });
            }
            else
            {
                exchange = KeyExchange.Run(exchangeOptions);
            }

            using var owned = exchange;
            var settings = exchange.Settings;
            var result = exchange.Chain;
            var linkTime = exchange.LinkTime;
            if (parse.IsJson(format))
            {
                OutputFormat.WriteJson(output, new
                {
                    link = parse.GetValue(link),
                    distance_km = km,
                    pulses = n,
                    seed = parse.GetValue(seed),
                    eve_fraction = eveFraction,
                    reconciliation = parse.GetValue(reconciliation),
                    intensities = new { mu1 = settings.Mu1, mu2 = settings.Mu2, mu3 = settings.Mu3, q_x = settings.KeyBasisProbability },
                    detections = result.Detections,
                    sifted_key_bits = result.SiftedKeyBits,
                    test_bits = result.TestBits,
                    test_qber = result.TestQber,
                    key_qber = result.KeyQber,
                    leaked_bits = result.LeakedBits,
                    reconciliation_efficiency = double.IsNaN(result.ReconciliationEfficiency) ? (double?)null : result.ReconciliationEfficiency,
                    final_key_bits = result.FinalKeyBits,
                    authentication_bits = result.AuthenticationBitsConsumed,
                    authentication_messages = result.Messages,
                    net_key_bits = result.NetKeyBits,
                    aborted = result.Aborted,
                    abort_reason = result.AbortReason,
                    timings_s = new[] { ("link simulation", linkTime) }.Concat(result.Timings.Select(t => (t.Stage, t.Elapsed))).ToDictionary(t => t.Item1, t => t.Item2.TotalSeconds),
                });
            }
            else
            {
                var table = new Table().Title($"decoy BB84, {km} km on the {parse.GetValue(link)} link, {n:G} pulses, seed {parse.GetValue(seed)}{(eveFraction > 0 ? $", Eve on {eveFraction:P0}" : "")}");
                table.AddColumns("quantity", "value");
                table.AddRow("intensities μ1 / μ2 / μ3", $"{settings.Mu1:F3} / {settings.Mu2:F3} / {settings.Mu3:G2}, q_x = {settings.KeyBasisProbability:F3}");
                table.AddRow("detections", result.Detections.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("sifted key bits (X)", result.SiftedKeyBits.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("test bits (Z)", result.TestBits.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("QBER (test basis)", result.TestQber.ToString("P3", CultureInfo.InvariantCulture));
                table.AddRow("QBER (key basis, before EC)", result.KeyQber.ToString("P3", CultureInfo.InvariantCulture));
                table.AddRow("leaked by EC + verification", result.LeakedBits.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("reconciliation f", double.IsNaN(result.ReconciliationEfficiency) ? "-" : result.ReconciliationEfficiency.ToString("F3", CultureInfo.InvariantCulture));
                table.AddRow("final key bits", result.FinalKeyBits.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("authentication key used", $"{result.AuthenticationBitsConsumed:N0} bits ({result.Messages} messages)");
                table.AddRow("net key bits", result.NetKeyBits.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("link simulation", $"{linkTime.TotalSeconds:F2} s");
                foreach (var t in result.Timings)
                {
                    table.AddRow(t.Stage, $"{t.Elapsed.TotalSeconds:F3} s");
                }

                console.Write(table);
            }

            if (result.Aborted)
            {
                // An exchange that ends without key is not a success: scripts must not go on as if a key existed.
                error.WriteLine($"aborted: {result.AbortReason}");
                return ExitCodes.Failed;
            }

            if (parse.GetValue(keyOut) is string path)
            {
                byte[] bytes = result.AliceKey!.ToBytes();
                try
                {
                    // Key material: owner-only from the first byte.
                    VnQuantum.Kms.PrivateFile.Write(path, bytes);
                }
                finally
                {
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
                }

                (parse.IsJson(format) ? error : output).WriteLine($"final key ({result.FinalKeyBits} bits) written to {path}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool TryRange(string text, out double from, out double to)
    {
        from = to = 0;
        var parts = text.Split("..");
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out from)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out to)
            && from >= 0 && to >= from;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VnQuantum.Kms;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.KeySources;
using VnQuantum.Kms.Qkd;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq kms serve</c>: run one KME with its ETSI GS QKD 014 API.</summary>
internal static class KmsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string>("--config", "-c") { Description = "KME configuration (JSON, see docs/kms.md).", Required = true };
        var logFormat = new Option<string?>("--log-format") { Description = "Operational log on the console: text or json (overrides logFormat)." };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var serve = new Command("serve", "Start a KME: HTTPS with client certificates, keys from the configured source.") { config, logFormat };
        serve.SetAction(async (parse, cancel) =>
        {
            string path = parse.GetValue(config)!;
            KmsOptions? options;
            try
            {
                options = JsonSerializer.Deserialize<KmsOptions>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"vnq: cannot read {path}: {e.Message}");
                return ExitCodes.InputError;
            }
            catch (JsonException e)
            {
                error.WriteLine($"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: {e.Message}");
                return ExitCodes.InputError;
            }

            if (options is not null && parse.GetValue(logFormat) is string format)
            {
                options.LogFormat = format;
            }

            List<string> problems = options is null ? ["the configuration is empty"] : [.. options.Validate(), .. QkdKeySources.Validate(options)];
            if (problems.Count > 0)
            {
                foreach (string p in problems)
                {
                    error.WriteLine($"{path}: {p}");
                }

                return ExitCodes.InputError;
            }

            // Paths in the configuration are relative to the configuration file.
            string baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            string Resolve(string p) => Path.IsPathRooted(p) ? p : Path.Combine(baseDir, p);
            options!.StorePath = Resolve(options.StorePath);
            options.ClientCaCertificate = Resolve(options.ClientCaCertificate);
            options.ServerCertificate = Resolve(options.ServerCertificate);
            options.ServerKey = Resolve(options.ServerKey);
            options.ClientCrl = options.ClientCrl is null ? null : Resolve(options.ClientCrl);
            options.KekFile = options.KekFile is null ? null : Resolve(options.KekFile);
            options.AuditKeyFile = options.AuditKeyFile is null ? null : Resolve(options.AuditKeyFile);
            options.AuditLogPath = options.AuditLogPath is null ? null : Resolve(options.AuditLogPath);

            KmeHost host;
            try
            {
                host = KmeHost.Create(options);
            }
            catch (KmsConfigurationException e)
            {
                error.WriteLine($"{path}: {e.Field}: {e.Message}");
                return ExitCodes.InputError;
            }

            await using (host)
            {
                foreach (var source in options.KeySources.Prepend(options.KeySource))
                {
                    if (source.File is null && source.QkdLink is null)
                    {
                        continue;
                    }

                    if (host.Store.HasStream(source.Link))
                    {
                        // A restart: the stream was loaded before and part of it may be handed out already.
                        output.WriteLine($"{options.KmeId}: the key stream of link '{source.Link}' is already in the store; the key source is not read again");
                    }
                    else if (source.File is string file)
                    {
                        try
                        {
                            KeyFile.Replay(Resolve(file), host.Store, source.Link);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            error.WriteLine($"{path}: keySource.file: {e.Message}");
                            return ExitCodes.InputError;
                        }
                    }
                    else if (source.QkdLink is { } q)
                    {
                        host.Log.LogWarning("link '{Link}' is fed by a SIMULATED QKD link ({Preset}, {Distance} km), not by a QKD device: its keys are for demonstrations and tests only{Seeded}",
                            source.Link, q.Preset, q.DistanceKm, q.Seed is null ? "" : $"; it is seeded ({q.Seed}), so anyone who knows the seed can recompute every key");
                        int bytes = QkdKeySources.RunLink(LinkPresets.Create(q.Preset, q.DistanceKm), (long)q.Pulses, q.Seed, host.Store, aliceLink: source.Link);
                        output.WriteLine($"{options.KmeId}: the simulated {q.Preset} link at {q.DistanceKm} km gave {bytes} key bytes");
                    }
                }

                try
                {
                    await host.StartAsync(cancel);
                }
                catch (KmsConfigurationException e)
                {
                    error.WriteLine($"{path}: {e.Field}: {e.Message}");
                    return ExitCodes.InputError;
                }

                output.WriteLine($"{options.KmeId} serving ETSI GS QKD 014 on {host.BaseAddress}{(host.ManagementAddress is { } m ? $", health and metrics on {m}" : "")}; Ctrl+C stops");
                await host.WaitForShutdownAsync(cancel);
            }

            return ExitCodes.Ok;
        });

        var log = new Option<string>("--log") { Description = "The audit log (JSON lines).", Required = true };
        var key = new Option<string?>("--key") { Description = "File with the audit HMAC key (default: VNQ_KMS_AUDIT_KEY)." };
        var verify = new Command("verify", "Check the audit log's HMAC chain: edited, deleted or reordered entries are reported.") { log, key };
        verify.SetAction(parse =>
        {
            byte[] k;
            try
            {
                k = AuditLog.LoadKey(parse.GetValue(key));
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
            {
                error.WriteLine($"vnq: {e.Message}");
                return ExitCodes.InputError;
            }

            if (!File.Exists(parse.GetValue(log)))
            {
                error.WriteLine($"vnq: no such audit log: {parse.GetValue(log)}");
                return ExitCodes.InputError;
            }

            var (intact, message) = AuditLog.Verify(parse.GetValue(log)!, k);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(k);
            (intact ? output : error).WriteLine(message);
            return intact ? ExitCodes.Ok : ExitCodes.InputError;
        });

        var demoDir = new Option<string>("--dir", "-d") { Description = "Directory for the CA, certificates, keys and stores.", DefaultValueFactory = _ => "kms-demo" };
        var portA = new Option<int>("--port-a") { Description = "HTTPS port of KME-A.", DefaultValueFactory = _ => 18443 };
        var portB = new Option<int>("--port-b") { Description = "HTTPS port of KME-B.", DefaultValueFactory = _ => 18444 };
        var demo = new Command("demo", "Two KMEs on loopback with the simulated QKD link between them, certificates for SAE-A (on KME-A) and SAE-B (on KME-B), and the curl lines to try.")
        {
            demoDir, portA, portB,
        };
        demo.SetAction(async (parse, cancel) => await KmsDemo.RunAsync(parse.GetValue(demoDir)!, parse.GetValue(portA), parse.GetValue(portB), output, cancel));

        var kms = new Command("kms", "Key management: ETSI GS QKD 014 key delivery.") { serve, demo, new Command("audit", "The KME's audit log.") { verify } };
        foreach (var command in KmsClientCommands.Create(output, error))
        {
            kms.Subcommands.Add(command);
        }

        return kms;
    }
}

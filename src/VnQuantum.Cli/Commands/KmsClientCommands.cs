using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using VnQuantum.Kms.Client;
using VnQuantum.Kms.Pqc;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq kms get-key</c>, <c>get-key-with-id</c>, <c>mlkem-keygen</c>: an SAE's side of ETSI GS QKD 014.</summary>
internal static class KmsClientCommands
{
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        var kme = new Option<string>("--kme") { Description = "The KME's base URL, e.g. https://127.0.0.1:18443.", Required = true };
        var cert = new Option<string>("--cert") { Description = "This SAE's certificate (PEM).", Required = true };
        var key = new Option<string>("--key") { Description = "This SAE's private key (PEM).", Required = true };
        var ca = new Option<string>("--ca") { Description = "The CA that issued the KME's certificate (PEM).", Required = true };
        var hybrid = new Option<string?>("--hybrid") { Description = "Combine with ML-KEM end to end: mlkem768." };
        hybrid.AcceptOnlyFromAmong("mlkem768");

        var slave = new Option<string>("--slave") { Description = "The slave SAE ID.", Required = true };
        var master = new Option<string>("--master") { Description = "This (master) SAE's ID, bound into the hybrid key.", Required = true };
        var size = new Option<int>("--size") { Description = "Key size in bits.", DefaultValueFactory = _ => 256 };
        var peerEk = new Option<string?>("--peer-ek") { Description = "The slave's signed ML-KEM encapsulation key (JSON from mlkem-keygen)." };
        var peerCert = new Option<string?>("--peer-cert") { Description = "The slave's certificate, to verify that key." };
        var getKey = new Command("get-key", "Master SAE: fetch a new key for a slave (enc_keys); with --hybrid, combine it with ML-KEM.")
        {
            kme, cert, key, ca, slave, master, size, hybrid, peerEk, peerCert,
        };
        getKey.SetAction(async (parse, cancel) => await Run(error, async () =>
        {
            using var client = Client(parse.GetValue(kme)!, parse.GetValue(cert)!, parse.GetValue(key)!, parse.GetValue(ca)!);
            ClientKey result;
            if (parse.GetValue(hybrid) is null)
            {
                result = (await client.GetKeysAsync(parse.GetValue(slave)!, 1, parse.GetValue(size), cancel))[0];
            }
            else
            {
                if (parse.GetValue(peerEk) is not string ekPath || parse.GetValue(peerCert) is not string certPath)
                {
                    throw new ArgumentException("--hybrid needs --peer-ek and --peer-cert");
                }

                var signed = JsonSerializer.Deserialize<SignedEncapsulationKey>(File.ReadAllText(ekPath))!;
                result = await client.GetHybridKeyAsync(parse.GetValue(master)!, parse.GetValue(slave)!, signed, X509Certificate2.CreateFromPem(File.ReadAllText(certPath)), parse.GetValue(size), cancel);
            }

            Write(output, result);
        }));

        var keyId = new Option<string>("--key-id") { Description = "The key_ID the master sent.", Required = true };
        var masterOf = new Option<string>("--master") { Description = "The master SAE ID.", Required = true };
        var self = new Option<string?>("--slave") { Description = "This (slave) SAE's ID, bound into the hybrid key." };
        var ciphertext = new Option<string?>("--ciphertext") { Description = "The ML-KEM ciphertext (Base64) that came with the key ID." };
        var dk = new Option<string?>("--mlkem-key") { Description = "This SAE's ML-KEM key file (from mlkem-keygen)." };
        var getKeyWithId = new Command("get-key-with-id", "Slave SAE: fetch a key by ID (dec_keys); with --hybrid, derive the same combined key.")
        {
            kme, cert, key, ca, keyId, masterOf, self, hybrid, ciphertext, dk,
        };
        getKeyWithId.SetAction(async (parse, cancel) => await Run(error, async () =>
        {
            using var client = Client(parse.GetValue(kme)!, parse.GetValue(cert)!, parse.GetValue(key)!, parse.GetValue(ca)!);
            ClientKey result;
            if (parse.GetValue(hybrid) is null)
            {
                result = (await client.GetKeysWithIdsAsync(parse.GetValue(masterOf)!, [parse.GetValue(keyId)!], cancel))[0];
            }
            else
            {
                if (parse.GetValue(ciphertext) is not string ct || parse.GetValue(dk) is not string dkPath || parse.GetValue(self) is not string slaveId)
                {
                    throw new ArgumentException("--hybrid needs --ciphertext, --mlkem-key and --slave");
                }

                var keys = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(dkPath));
                byte[] ek = Convert.FromBase64String(keys.GetProperty("ek").GetString()!);
                byte[] secretKey = Convert.FromBase64String(keys.GetProperty("dk").GetString()!);
                try
                {
                    result = await client.GetHybridKeyWithIdAsync(parse.GetValue(masterOf)!, slaveId, parse.GetValue(keyId)!, ct, secretKey, ek, cancel);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(secretKey);
                }
            }

            Write(output, result);
        }));

        var sae = new Option<string>("--sae") { Description = "This SAE's ID.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Prefix of the files written: PREFIX.ek.json (publish) and PREFIX.mlkem.json (secret).", Required = true };
        var keygen = new Command("mlkem-keygen", "Slave SAE: make an ML-KEM-768 key pair and publish the encapsulation key signed with the SAE certificate.")
        {
            sae, cert, key, outDir,
        };
        keygen.SetAction(parse => Run(error, () =>
        {
            var (ek, dkBytes) = MlKem768.GenerateKeyPair();
            using var certificate = X509Certificate2.CreateFromPemFile(parse.GetValue(cert)!, parse.GetValue(key)!);
            string prefix = parse.GetValue(outDir)!;
            File.WriteAllText(prefix + ".ek.json", JsonSerializer.Serialize(SignedEncapsulationKey.Sign(parse.GetValue(sae)!, ek, certificate)));
            string secretPath = prefix + ".mlkem.json";
            // Created readable by the owner alone from the first byte, never written first and restricted after.
            byte[] secret = JsonSerializer.SerializeToUtf8Bytes(new { ek = Convert.ToBase64String(ek), dk = Convert.ToBase64String(dkBytes) });
            VnQuantum.Kms.PrivateFile.Write(secretPath, secret);
            CryptographicOperations.ZeroMemory(secret);

            CryptographicOperations.ZeroMemory(dkBytes);
            output.WriteLine($"published key: {prefix}.ek.json; secret key (keep it here): {secretPath}");
            return Task.CompletedTask;
        }).GetAwaiter().GetResult());

        return [getKey, getKeyWithId, keygen];
    }

    private static EtsiKeyClient Client(string kme, string cert, string key, string ca) =>
        new(Uri.TryCreate(kme, UriKind.Absolute, out var uri) && uri.Scheme == "https" ? uri : throw new ArgumentException($"--kme must be an https URL, not {kme}"),
            X509Certificate2.CreateFromPemFile(cert, key), X509Certificate2.CreateFromPem(File.ReadAllText(ca)));

    private static void Write(TextWriter output, ClientKey key)
    {
        var json = new Dictionary<string, object> { ["key_ID"] = key.KeyId, ["key"] = Convert.ToBase64String(key.Key) };
        if (key.MlKemCiphertext is not null)
        {
            json["key_ID_extension"] = new Dictionary<string, string> { ["mlkem768_ciphertext"] = key.MlKemCiphertext };
        }

        output.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        CryptographicOperations.ZeroMemory(key.Key);
    }

    private static async Task<int> Run(TextWriter error, Func<Task> action)
    {
        try
        {
            await action();
            return ExitCodes.Ok;
        }
        catch (KmeException e)
        {
            error.WriteLine($"vnq: {e.Message}");
            return ExitCodes.InputError;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or CryptographicException or ArgumentException or JsonException)
        {
            error.WriteLine($"vnq: {e.Message}");
            return ExitCodes.InputError;
        }
    }
}

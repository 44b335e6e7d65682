using System.CommandLine;
using VnQuantum.Kms.Pki;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq pki init|revoke</c>: a local CA with KME and SAE certificates for demos and tests.</summary>
internal static class PkiCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Option<string>("--dir", "-d") { Description = "Directory of the CA and certificates.", DefaultValueFactory = _ => "pki" };
        var kmes = new Option<string[]>("--kme") { Description = "KME server certificates to issue (repeatable).", DefaultValueFactory = _ => ["kme-a", "kme-b"], AllowMultipleArgumentsPerToken = true };
        var saes = new Option<string[]>("--sae") { Description = "SAE client certificates to issue (repeatable).", DefaultValueFactory = _ => ["sae-a", "sae-b"], AllowMultipleArgumentsPerToken = true };
        var init = new Command("init", "Create a CA (if DIR has none), KME server certificates and SAE client certificates as PEM files.") { dir, kmes, saes };
        init.SetAction(parse =>
        {
            string d = parse.GetValue(dir)!;
            // A certificate already there is kept: `--sae sae-d` issues sae-d and leaves every other one as it is.
            var issued = DemoPki.InitAll(d, parse.GetValue(kmes)!, parse.GetValue(saes)!);
            output.WriteLine($"CA and certificates in {d}/ (private keys readable by you only; existing certificates are kept, never re-issued).");
            output.WriteLine("SAE certificates, for saeCertificates in the KME configuration:");
            foreach (var c in issued.Where(c => !c.Server))
            {
                output.WriteLine($"  \"{c.Thumbprint}\": \"{c.Name.ToUpperInvariant()}\"{(c.Issued ? "" : "   (already there)")}");
            }

            if (issued.Any(c => c.Server))
            {
                output.WriteLine("KME certificates, for peers.<KME>.certificateThumbprint in the peers' configurations:");
                foreach (var c in issued.Where(c => c.Server))
                {
                    output.WriteLine($"  {c.Name.ToUpperInvariant()}: \"certificateThumbprint\": \"{c.Thumbprint}\"{(c.Issued ? "" : "   (already there)")}");
                }
            }

            return ExitCodes.Ok;
        });

        var revokeDir = new Option<string>("--dir", "-d") { Description = "Directory of the CA.", DefaultValueFactory = _ => "pki" };
        var certificates = new Argument<string[]>("certificate") { Description = "PEM certificates to revoke.", Arity = ArgumentArity.OneOrMore };
        var revoke = new Command("revoke", "Add certificates to the CA's CRL (ca.crl); a KME with clientCrl set refuses them at the handshake.") { revokeDir, certificates };
        revoke.SetAction(parse =>
        {
            foreach (string path in parse.GetValue(certificates)!)
            {
                if (!File.Exists(path))
                {
                    error.WriteLine($"vnq: no such certificate: {path}");
                    return ExitCodes.InputError;
                }
            }

            string crl = DemoPki.Revoke(parse.GetValue(revokeDir)!, parse.GetValue(certificates)!);
            output.WriteLine($"CRL written to {crl}; a KME whose clientCrl points at it reloads it within seconds");
            return ExitCodes.Ok;
        });

        return new Command("pki", "A local certificate authority for KMEs and SAEs.") { init, revoke };
    }
}

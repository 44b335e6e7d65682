using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Serialization;

namespace VnQuantum.Kms.Pqc;

/// <summary>
/// The QKD ⊕ ML-KEM hybrid between two SAEs, end to end (the KMEs never see the ML-KEM secret). Both sides compute
/// HKDF-SHA-256 over the concatenation of the QKD key and the ML-KEM-768 shared secret, with a context binding the
/// key ID, both SAE IDs and SHA-256 hashes of the encapsulation key and ciphertext, in the style of the concatenation
/// KDF of ETSI TS 103 744 (CatKDF). The result stays secret if either input does: a compromised KME knows the QKD key
/// but not the ML-KEM secret; an attacker who breaks ML-KEM does not know the QKD key.
/// </summary>
public static class HybridKey
{
    private const string Label = "VnQuantum hybrid QKD + ML-KEM-768 v1";

    /// <summary>The hybrid key of <paramref name="length"/> bytes.</summary>
    public static byte[] Derive(ReadOnlySpan<byte> qkdKey, ReadOnlySpan<byte> mlKemSecret, string keyId, string masterSae, string slaveSae,
        ReadOnlySpan<byte> encapsulationKey, ReadOnlySpan<byte> ciphertext, int length)
    {
        byte[] ikm = new byte[qkdKey.Length + mlKemSecret.Length];
        try
        {
            qkdKey.CopyTo(ikm);
            mlKemSecret.CopyTo(ikm.AsSpan(qkdKey.Length));
            using var info = new MemoryStream();
            foreach (string field in new[] { Label, keyId, masterSae, slaveSae })
            {
                WriteField(info, Encoding.UTF8.GetBytes(field));
            }

            WriteField(info, SHA256.HashData(encapsulationKey));
            WriteField(info, SHA256.HashData(ciphertext));
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, length, salt: [], info: info.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    private static void WriteField(Stream s, ReadOnlySpan<byte> bytes)
    {
        // Length-prefixed, so no two different contexts encode the same.
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        s.Write(length);
        s.Write(bytes);
    }
}

/// <summary>
/// A slave SAE's ML-KEM-768 encapsulation key, published signed with the key of its client certificate, so a master
/// can check it came from that SAE before encapsulating to it.
/// </summary>
public sealed record SignedEncapsulationKey(
    [property: JsonPropertyName("sae_ID")] string SaeId,
    [property: JsonPropertyName("ek")] string EncapsulationKey,
    [property: JsonPropertyName("signature")] string Signature)
{
    private static byte[] Message(string saeId, byte[] ek) => [.. Encoding.UTF8.GetBytes("VnQuantum ML-KEM-768 encapsulation key\0" + saeId + "\0"), .. ek];

    /// <summary>Signs <paramref name="encapsulationKey"/> with the certificate's private key (ECDSA P-256 or RSA).</summary>
    public static SignedEncapsulationKey Sign(string saeId, byte[] encapsulationKey, X509Certificate2 certificateWithKey)
    {
        byte[] message = Message(saeId, encapsulationKey);
        byte[] signature = certificateWithKey.GetECDsaPrivateKey() is { } ecdsa
            ? ecdsa.SignData(message, HashAlgorithmName.SHA256)
            : certificateWithKey.GetRSAPrivateKey()!.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        return new SignedEncapsulationKey(saeId, Convert.ToBase64String(encapsulationKey), Convert.ToBase64String(signature));
    }

    /// <summary>The encapsulation key if the signature verifies under <paramref name="certificate"/>; throws
    /// <see cref="CryptographicException"/> otherwise.</summary>
    public byte[] Verify(X509Certificate2 certificate)
    {
        byte[] ek = Convert.FromBase64String(EncapsulationKey);
        byte[] message = Message(SaeId, ek);
        byte[] signature = Convert.FromBase64String(Signature);
        bool ok = certificate.GetECDsaPublicKey() is { } ecdsa
            ? ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256)
            : certificate.GetRSAPublicKey()?.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss) ?? false;
        return ok ? ek : throw new CryptographicException($"the encapsulation key of {SaeId} is not signed by the given certificate");
    }
}

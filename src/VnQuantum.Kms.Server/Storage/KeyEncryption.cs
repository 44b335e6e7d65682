using System.Security.Cryptography;
using System.Text;

namespace VnQuantum.Kms.Storage;

/// <summary>
/// Encryption of key material at rest: AES-256-GCM under a key-encryption key (KEK) kept outside the store, with a
/// fresh 96-bit nonce per record and the record's identity (key ID and SAE pair, or pool segment number) as associated
/// data, so a record moved to another ID or SAE pair no longer decrypts.
/// </summary>
public sealed class KeyEncryption : IDisposable
{
    private readonly AesGcm _aes;

    /// <param name="kek">32 bytes; copied, the caller may zero its buffer.</param>
    public KeyEncryption(ReadOnlySpan<byte> kek)
    {
        if (kek.Length != 32)
        {
            throw new ArgumentException("the key-encryption key must be 32 bytes (AES-256)", nameof(kek));
        }

        _aes = new AesGcm(kek, 16);
    }

    /// <summary>
    /// Loads the KEK from a file holding 32 raw bytes or their Base64, or from an environment variable holding Base64.
    /// </summary>
    public static KeyEncryption FromFileOrEnvironment(string? path, string environmentVariable = "VNQ_KMS_KEK")
    {
        byte[] kek;
        if (path is not null)
        {
            byte[] raw = File.ReadAllBytes(path);
            kek = raw.Length == 32 ? raw.ToArray() : Convert.FromBase64String(Encoding.ASCII.GetString(raw).Trim());
            CryptographicOperations.ZeroMemory(raw);
        }
        else
        {
            string value = Environment.GetEnvironmentVariable(environmentVariable)
                ?? throw new InvalidOperationException($"no key-encryption key: set kekFile in the configuration or {environmentVariable}");
            kek = Convert.FromBase64String(value);
        }

        try
        {
            return new KeyEncryption(kek);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>nonce ‖ ciphertext ‖ tag.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var sealedBytes = new byte[12 + plaintext.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        _aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), Encoding.UTF8.GetBytes(associatedData));
        return sealedBytes;
    }

    /// <summary>The plaintext (the caller zeroes it); throws <see cref="CryptographicException"/> on tampering.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes, string associatedData)
    {
        int length = sealedBytes.Length - 28;
        var plaintext = new byte[length];
        _aes.Decrypt(sealedBytes[..12], sealedBytes.Slice(12, length), sealedBytes[(12 + length)..], plaintext, Encoding.UTF8.GetBytes(associatedData));
        return plaintext;
    }

    public void Dispose() => _aes.Dispose();
}

using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace VnQuantum.Kms.Pqc;

/// <summary>
/// ML-KEM-768 (FIPS 203) through BouncyCastle.Cryptography, or through the platform's
/// <c>System.Security.Cryptography.MLKem</c> where it is supported (it needs OpenSSL ≥ 3.5, which Debian 12 lacks) for
/// random key generation, encapsulation and decapsulation; fixed-randomness encapsulation (test vectors) and key
/// generation from a seed always use BouncyCastle. Every input is length- and validity-checked (FIPS 203, 7.2 and 7.3:
/// the modulus check of an encapsulation key, the hash check of a decapsulation key); a bad input throws
/// <see cref="ArgumentException"/>.
/// </summary>
public static class MlKem768
{
    public const int SeedBytes = 64;
    public const int EncapsulationKeyBytes = 1184;
    public const int DecapsulationKeyBytes = 2400;
    public const int CiphertextBytes = 1088;
    public const int SharedSecretBytes = 32;

    private static readonly MLKemParameters Parameters = MLKemParameters.ml_kem_768;

    /// <summary>Whether the platform's ML-KEM is used (OpenSSL ≥ 3.5 present).</summary>
    public static bool UsesPlatform => System.Security.Cryptography.MLKem.IsSupported;

    /// <summary>A fresh key pair from the operating system's generator.</summary>
    public static (byte[] EncapsulationKey, byte[] DecapsulationKey) GenerateKeyPair()
    {
        if (UsesPlatform)
        {
            using var key = System.Security.Cryptography.MLKem.GenerateKey(System.Security.Cryptography.MLKemAlgorithm.MLKem768);
            return (key.ExportEncapsulationKey(), key.ExportDecapsulationKey());
        }

        byte[] seed = new byte[SeedBytes];
        System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
        try
        {
            return KeyPairFromSeed(seed);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>ML-KEM.KeyGen_internal(d, z) from the 64-byte seed d ‖ z: (ek, expanded dk).</summary>
    public static (byte[] EncapsulationKey, byte[] DecapsulationKey) KeyPairFromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException($"an ML-KEM-768 seed is {SeedBytes} bytes, not {seed.Length}", nameof(seed));
        }

        var key = MLKemPrivateKeyParameters.FromSeed(Parameters, seed.ToArray(), MLKemPrivateKeyParameters.Format.EncodingOnly);
        return (key.GetPublicKeyEncoded(), key.GetEncoded());
    }

    /// <summary>Encapsulates to <paramref name="encapsulationKey"/>: (ciphertext, shared secret). <paramref name="message"/>
    /// (32 bytes) fixes the randomness, for test vectors only.</summary>
    public static (byte[] Ciphertext, byte[] SharedSecret) Encapsulate(ReadOnlySpan<byte> encapsulationKey, byte[]? message = null)
    {
        if (encapsulationKey.Length != EncapsulationKeyBytes)
        {
            throw new ArgumentException($"an ML-KEM-768 encapsulation key is {EncapsulationKeyBytes} bytes, not {encapsulationKey.Length}", nameof(encapsulationKey));
        }

        MLKemPublicKeyParameters ek;
        try
        {
            ek = MLKemPublicKeyParameters.FromEncoding(Parameters, encapsulationKey.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"invalid ML-KEM-768 encapsulation key: {e.Message}", nameof(encapsulationKey), e);
        }

        // FIPS 203, 7.2: the 12-bit coefficients of the key must be reduced mod q; re-encoding must give the same bytes.
        if (!ModulusCheck(encapsulationKey))
        {
            throw new ArgumentException("invalid ML-KEM-768 encapsulation key: a coefficient is not reduced modulo q (FIPS 203, 7.2)", nameof(encapsulationKey));
        }

        if (message is null && UsesPlatform)
        {
            using var key = System.Security.Cryptography.MLKem.ImportEncapsulationKey(System.Security.Cryptography.MLKemAlgorithm.MLKem768, encapsulationKey);
            key.Encapsulate(out byte[] platformCiphertext, out byte[] platformSecret);
            return (platformCiphertext, platformSecret);
        }

        var encapsulator = new MLKemEncapsulator(Parameters);
        encapsulator.Init(message is null ? ek : new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(ek, new FixedRandom(message)));
        byte[] ciphertext = new byte[CiphertextBytes];
        byte[] secret = new byte[SharedSecretBytes];
        encapsulator.Encapsulate(ciphertext, secret);
        return (ciphertext, secret);
    }

    /// <summary>Decapsulates <paramref name="ciphertext"/> with the expanded key: the shared secret (the implicit
    /// rejection value for a ciphertext that does not decrypt, as FIPS 203 prescribes).</summary>
    public static byte[] Decapsulate(ReadOnlySpan<byte> decapsulationKey, ReadOnlySpan<byte> ciphertext)
    {
        if (decapsulationKey.Length != DecapsulationKeyBytes)
        {
            throw new ArgumentException($"an ML-KEM-768 decapsulation key is {DecapsulationKeyBytes} bytes, not {decapsulationKey.Length}", nameof(decapsulationKey));
        }

        if (ciphertext.Length != CiphertextBytes)
        {
            throw new ArgumentException($"an ML-KEM-768 ciphertext is {CiphertextBytes} bytes, not {ciphertext.Length}", nameof(ciphertext));
        }

        // FIPS 203, 7.3: the hash H(ek) stored in dk must match the ek stored in dk.
        var ekPart = decapsulationKey.Slice(1152, EncapsulationKeyBytes);
        var hashPart = decapsulationKey.Slice(1152 + EncapsulationKeyBytes, 32);
        if (!HashMatches(ekPart, hashPart))
        {
            throw new ArgumentException("invalid ML-KEM-768 decapsulation key: H(ek) does not match (FIPS 203, 7.3)", nameof(decapsulationKey));
        }

        if (UsesPlatform)
        {
            using var key = System.Security.Cryptography.MLKem.ImportDecapsulationKey(System.Security.Cryptography.MLKemAlgorithm.MLKem768, decapsulationKey);
            return key.Decapsulate(ciphertext.ToArray());
        }

        MLKemPrivateKeyParameters dk;
        try
        {
            dk = MLKemPrivateKeyParameters.FromEncoding(Parameters, decapsulationKey.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"invalid ML-KEM-768 decapsulation key: {e.Message}", nameof(decapsulationKey), e);
        }

        var decapsulator = new MLKemDecapsulator(Parameters);
        decapsulator.Init(dk);
        byte[] secret = new byte[SharedSecretBytes];
        decapsulator.Decapsulate(ciphertext, secret);
        return secret;
    }

    private static bool HashMatches(ReadOnlySpan<byte> ek, ReadOnlySpan<byte> expected)
    {
        var digest = new Org.BouncyCastle.Crypto.Digests.Sha3Digest(256);
        digest.BlockUpdate(ek);
        Span<byte> hash = stackalloc byte[32];
        digest.DoFinal(hash);
        return hash.SequenceEqual(expected);
    }

    /// <summary>Every 12-bit coefficient of the 3 polynomials of ek is below q = 3329.</summary>
    private static bool ModulusCheck(ReadOnlySpan<byte> ek)
    {
        for (int i = 0; i + 3 <= 1152; i += 3)
        {
            int a = ek[i] | ((ek[i + 1] & 0x0F) << 8);
            int b = (ek[i + 1] >> 4) | (ek[i + 2] << 4);
            if (a >= 3329 || b >= 3329)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A "random" source that returns fixed bytes: test vectors fix ML-KEM's message m.</summary>
    private sealed class FixedRandom(byte[] bytes) : SecureRandom
    {
        private int _position;

        public override void NextBytes(byte[] buf) => NextBytes(buf, 0, buf.Length);

        public override void NextBytes(byte[] buf, int off, int len) => NextBytes(buf.AsSpan(off, len));

        public override void NextBytes(Span<byte> buffer)
        {
            bytes.AsSpan(_position, buffer.Length).CopyTo(buffer);
            _position += buffer.Length;
        }
    }
}

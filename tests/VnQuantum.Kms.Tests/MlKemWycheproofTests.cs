using System.Text.Json;
using VnQuantum.Kms.Pqc;
using Xunit.Abstractions;

namespace VnQuantum.Kms.Tests;

/// <summary>ML-KEM-768 against the Wycheproof vectors in testdata/wycheproof-mlkem (C2SP Wycheproof, Apache-2.0).</summary>
public sealed class MlKemWycheproofTests(ITestOutputHelper output)
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "wycheproof-mlkem", name);

    private static IEnumerable<JsonElement> Tests(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DataFile(file)));
        return doc.RootElement.GetProperty("testGroups").EnumerateArray()
            .SelectMany(g => g.GetProperty("tests").EnumerateArray()).Select(t => t.Clone()).ToList();
    }

    private static byte[] Hex(JsonElement t, string name) => Convert.FromHexString(t.GetProperty(name).GetString()!);

    [Fact]
    public void KeyGenerationFromSeed()
    {
        int n = 0;
        foreach (var t in Tests("mlkem_768_keygen_seed_test.json"))
        {
            var (ek, dk) = MlKem768.KeyPairFromSeed(Hex(t, "seed"));
            Assert.Equal(Hex(t, "ek"), ek);
            Assert.Equal(Hex(t, "dk"), dk);
            n++;
        }

        output.WriteLine($"{n} key-generation vectors");
        Assert.True(n >= 100);
    }

    [Fact]
    public void Encapsulation_ValidAndInvalidKeys()
    {
        int valid = 0, invalid = 0;
        foreach (var t in Tests("mlkem_768_encaps_test.json"))
        {
            byte[] ek = Hex(t, "ek"), m = Hex(t, "m");
            if (t.GetProperty("result").GetString() == "valid")
            {
                var (c, k) = MlKem768.Encapsulate(ek, m);
                Assert.Equal(Hex(t, "c"), c);
                Assert.Equal(Hex(t, "K"), k);
                valid++;
            }
            else
            {
                Assert.Throws<ArgumentException>(() => MlKem768.Encapsulate(ek, m));
                invalid++;
            }
        }

        output.WriteLine($"{valid} valid and {invalid} invalid encapsulation vectors");
        Assert.True(valid > 0 && invalid > 0);
    }

    [Fact]
    public void Decapsulation_FromSeed()
    {
        int valid = 0, invalid = 0;
        foreach (var t in Tests("mlkem_768_test.json"))
        {
            byte[] seed = Hex(t, "seed"), c = Hex(t, "c");
            bool ok = t.GetProperty("result").GetString() == "valid";
            if (ok)
            {
                var (ek, dk) = MlKem768.KeyPairFromSeed(seed);
                Assert.Equal(Hex(t, "ek"), ek);
                Assert.Equal(Hex(t, "K"), MlKem768.Decapsulate(dk, c));
                valid++;
            }
            else
            {
                Assert.ThrowsAny<ArgumentException>(() =>
                {
                    var (ek, dk) = MlKem768.KeyPairFromSeed(seed);
                    if (!ek.AsSpan().SequenceEqual(Hex(t, "ek")))
                    {
                        throw new ArgumentException("the vector's ek is not the seed's");
                    }

                    MlKem768.Decapsulate(dk, c);
                });
                invalid++;
            }
        }

        output.WriteLine($"{valid} valid and {invalid} invalid decapsulation vectors");
        Assert.True(valid > 0);
    }

    [Fact]
    public void Decapsulation_WithExpandedKeys_RejectsInvalidOnes()
    {
        int valid = 0, invalid = 0;
        foreach (var t in Tests("mlkem_768_semi_expanded_decaps_test.json"))
        {
            byte[] dk = Hex(t, "dk"), c = Hex(t, "c");
            if (t.GetProperty("result").GetString() == "valid")
            {
                Assert.Equal(Hex(t, "K"), MlKem768.Decapsulate(dk, c));
                valid++;
            }
            else
            {
                Assert.Throws<ArgumentException>(() => MlKem768.Decapsulate(dk, c));
                invalid++;
            }
        }

        output.WriteLine($"{valid} valid and {invalid} invalid expanded-key vectors");
        Assert.True(valid > 0 && invalid > 0);
    }

    [Fact]
    public void RandomKeys_RoundTrip()
    {
        var (ek, dk) = MlKem768.GenerateKeyPair();
        var (c, k) = MlKem768.Encapsulate(ek);
        Assert.Equal(k, MlKem768.Decapsulate(dk, c));
    }

    [PlatformMlKemFact]
    public void Platform_AndBouncyCastle_Interoperate()
    {
        var (ek, dk) = MlKem768.GenerateKeyPair();
        var seed = new byte[MlKem768.SeedBytes];
        System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
        var (bcEk, bcDk) = MlKem768.KeyPairFromSeed(seed);
        var (ct, k) = MlKem768.Encapsulate(bcEk);
        Assert.Equal(k, MlKem768.Decapsulate(bcDk, ct));
        var (ct2, k2) = MlKem768.Encapsulate(ek, new byte[32]);
        Assert.Equal(k2, MlKem768.Decapsulate(dk, ct2));
    }
}

/// <summary>Runs where the platform's ML-KEM is available (OpenSSL ≥ 3.5); reported as skipped elsewhere.</summary>
public sealed class PlatformMlKemFactAttribute : FactAttribute
{
    public PlatformMlKemFactAttribute()
    {
        if (!System.Security.Cryptography.MLKem.IsSupported)
        {
            Skip = "the platform's ML-KEM needs OpenSSL 3.5 or later";
        }
    }
}

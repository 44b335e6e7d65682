using VnQuantum.Qkd.PostProcessing;
using VnQuantum.Randomness;

namespace VnQuantum.Qkd.Tests.PostProcessing;

public sealed class PrimitivesTests
{
    [Fact]
    public void FieldMultiply_ClmulEqualsScalarTwin_AndIsAField()
    {
        var rng = new SeededRandom(5);
        for (int i = 0; i < 2000; i++)
        {
            ulong a = rng.NextUInt64(), b = rng.NextUInt64(), c = rng.NextUInt64();
            Assert.Equal(GaloisField64.MultiplyScalar(a, b), GaloisField64.Multiply(a, b));
            Assert.Equal(GaloisField64.Multiply(a, b), GaloisField64.Multiply(b, a));
            Assert.Equal(GaloisField64.Multiply(a, b ^ c), GaloisField64.Multiply(a, b) ^ GaloisField64.Multiply(a, c));
            Assert.Equal(GaloisField64.Multiply(GaloisField64.Multiply(a, b), c), GaloisField64.Multiply(a, GaloisField64.Multiply(b, c)));
        }

        // x⁶³·x = x⁶⁴ ≡ x⁴ + x³ + x + 1.
        Assert.Equal(0x1BUL, GaloisField64.Multiply(1UL << 63, 2));
        Assert.Equal(12345UL, GaloisField64.Multiply(12345, 1));
    }

    [Fact]
    public void PolynomialHash_SeparatesMessages_AndLengths()
    {
        byte[] m = "transfer 100 VND to account 42"u8.ToArray();
        byte[] flipped = (byte[])m.Clone();
        flipped[3] ^= 1;
        ulong key = 0x9E3779B97F4A7C15;
        Assert.NotEqual(PolynomialHash.Compute(key, m), PolynomialHash.Compute(key, flipped));
        Assert.NotEqual(PolynomialHash.Compute(key, new byte[8]), PolynomialHash.Compute(key, new byte[16]));
        Assert.True(PolynomialHash.CollisionProbability(1_000_000) < 1e-15);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(64, 17)]
    [InlineData(100, 100)]
    [InlineData(777, 300)]
    [InlineData(4096, 2500)]
    [InlineData(5000, 1)]
    [InlineData(1000, 640)]
    [InlineData(3000, 1100)]
    public void Toeplitz_FastMethodsEqualTheMatrixProduct(int n, int m)
    {
        using var input = TestKeys.Random(n, (ulong)n);
        using var seed = TestKeys.Random(n + m - 1, (ulong)(n * 31 + m));
        using var direct = ToeplitzHash.Compress(input, seed, m, ToeplitzMethod.Direct);
        using var karatsuba = ToeplitzHash.Compress(input, seed, m, ToeplitzMethod.CarrylessKaratsuba);
        using var fft = ToeplitzHash.Compress(input, seed, m, ToeplitzMethod.Fft);
        using var tmvp = ToeplitzHash.Compress(input, seed, m, ToeplitzMethod.ToeplitzKaratsuba);
        Assert.True(direct.BitsEqual(tmvp), "Toeplitz Karatsuba");
        Assert.True(direct.BitsEqual(karatsuba), "Karatsuba");
        Assert.True(direct.BitsEqual(fft), "FFT");
    }

    [Fact]
    public void Toeplitz_VectorLeavesEqualTheScalarTwin()
    {
        // Here the leaves take whatever path this machine has; the child runs with AVX-512 off, so its leaves are the
        // scalar twin. Both must equal the independent carry-less Karatsuba product.
        string child = ChildProcess.Run("toeplitz", ("DOTNET_EnableAVX512", "0"));
        Assert.StartsWith("vector512=False ", child);
        using var direct = ToeplitzTwin.Compress(ToeplitzMethod.CarrylessKaratsuba);
        string expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(direct.ToBytes()));
        Assert.Equal(expected, child.Split(' ')[1]);
        Assert.Equal($"vector512={ToeplitzProduct.UseVector512} {expected}", ChildProcess.ToeplitzDigest());
    }

    [Fact]
    public void Toeplitz_LargeBlock_KaratsubaEqualsFft()
    {
        using var input = TestKeys.Random(200_000, 1);
        using var seed = TestKeys.Random(200_000 + 120_000 - 1, 2);
        using var a = ToeplitzHash.Compress(input, seed, 120_000, ToeplitzMethod.CarrylessKaratsuba);
        using var b = ToeplitzHash.Compress(input, seed, 120_000, ToeplitzMethod.Fft);
        using var c = ToeplitzHash.Compress(input, seed, 120_000, ToeplitzMethod.ToeplitzKaratsuba, threads: 1);
        using var d = ToeplitzHash.Compress(input, seed.Prefix(200_000 + 3_000 - 1), 3_000, ToeplitzMethod.ToeplitzKaratsuba, threads: 2);
        using var e = ToeplitzHash.Compress(input, seed.Prefix(200_000 + 3_000 - 1), 3_000, ToeplitzMethod.CarrylessKaratsuba);
        Assert.True(a.BitsEqual(b));
        Assert.True(a.BitsEqual(c));
        Assert.True(d.BitsEqual(e));
    }

    [Fact]
    public void KeyBits_DisposeZeroesTheWords()
    {
        var key = TestKeys.Random(1000, 3);
        var words = key.Words.ToArray();
        Assert.Contains(words, w => w != 0);
        key.Dispose();
        Assert.Equal(0, key.Length);
    }

    [Fact]
    public void Channel_RejectsAFlippedBit_AndCountsKey()
    {
        var honest = TestKeys.Channel();
        byte[] msg = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        Assert.Equal(msg, honest.Send(Party.Alice, msg));
        honest.Send(Party.Bob, msg);
        honest.Checkpoint();
        Assert.Equal(2, honest.Messages);

        var tampered = TestKeys.Channel((i, bytes) =>
        {
            bytes[4] ^= 0x10;
            return bytes;
        });
        tampered.Send(Party.Bob, msg);
        Assert.Throws<AuthenticationFailedException>(tampered.Checkpoint);
    }

    [Fact]
    public void KeyPool_RunsOutLoudly()
    {
        using var tiny = TestKeys.Random(256, 7);
        var channel = new AuthenticatedChannel(new AuthenticationKeyPool(tiny), new AuthenticationKeyPool(tiny));
        channel.Send(Party.Alice, [1]);
        channel.Checkpoint();
        channel.Send(Party.Alice, [2]);
        Assert.Throws<AuthenticationKeyExhaustedException>(channel.Checkpoint);
    }
}

using System.Numerics;
using VnQuantum.Simulation;

namespace VnQuantum.Simulation.Tests;

/// <summary>Large states live in mapped, huge-page-advised memory that comes zeroed; it must behave as allocated memory.</summary>
public unsafe class AmplitudeMemoryTests
{
    [Fact]
    public void ALargeBlock_IsMapped_OnLinux_ReadsZero_AndIsHugePageAligned()
    {
        long bytes = AmplitudeMemory.MappedFrom + 4096 + 48;
        var memory = AmplitudeMemory.Allocate(bytes);
        try
        {
            Assert.Equal(OperatingSystem.IsLinux(), memory.IsZeroed);
            var block = new Span<byte>(memory.Data, (int)bytes);
            if (memory.IsZeroed)
            {
                Assert.Equal(0, (long)memory.Data % (2L << 20));
                Assert.True(block.IndexOfAnyExcept((byte)0) < 0);
            }

            // Every byte up to the end is ours to write and read back.
            block.Fill(0xA5);
            Assert.True(block.IndexOfAnyExcept((byte)0xA5) < 0);
        }
        finally
        {
            memory.Free();
            memory.Free();
        }

        Assert.True(memory.Data == null);
    }

    [Fact]
    public void ASmallBlock_ComesFromTheAllocator_AlignedForTheWidestVector()
    {
        var memory = AmplitudeMemory.Allocate(AmplitudeMemory.MappedFrom - 16);
        Assert.False(memory.IsZeroed);
        Assert.Equal(0, (long)memory.Data % 64);
        memory.Free();
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void AStateOnMappedMemory_StartsInZero_AndGatesAndResetActOnEveryPage(Precision precision)
    {
        // 22 qubits: 64 MiB (double) or 32 MiB (single), both mapped; the top qubit's pairs lie 32 or 16 MiB apart.
        using var state = StateVector.Create(22, precision, threads: 2);
        Assert.Equal(Complex.One, state.GetAmplitude(0));
        Assert.Equal(1.0, state.NormSquared(), 12);

        double h = 1 / Math.Sqrt(2);
        state.ApplyMatrix1(21, [h, h, h, -h]);
        state.ApplyMatrix1(0, [h, h, h, -h]);
        Assert.Equal(0.25, state.Probabilities([21, 0])[3], 6);
        Assert.Equal(0.5, state.GetAmplitude((1L << 21) | 1).Real, 6);
        Assert.Equal(Complex.Zero, state.GetAmplitude(2));

        state.SetBasisState(state.Length - 1);
        Assert.Equal(Complex.One, state.GetAmplitude(state.Length - 1));
        Assert.Equal(Complex.Zero, state.GetAmplitude((1L << 21) | 1));
        Assert.Equal(1.0, state.NormSquared(), 12);
    }
}

namespace VnQuantum.Simulation;

/// <summary>Floating-point precision of the amplitudes of a <see cref="StateVector"/>.</summary>
public enum Precision
{
    /// <summary>Complex numbers of two <see cref="double"/>s: 16 bytes an amplitude.</summary>
    Double,

    /// <summary>Complex numbers of two <see cref="float"/>s: 8 bytes an amplitude, one more qubit in the same memory.</summary>
    Single,
}

/// <summary>Which instruction set the gate kernels use. <see cref="Auto"/> picks the widest the processor runs.</summary>
/// <remarks>Every vector path has a scalar twin; tests run both on the same random state and require equal results.</remarks>
public enum KernelPath
{
    /// <summary>The widest path the hardware accelerates: Vector512, then Vector256, then scalar.</summary>
    Auto,

    /// <summary>Plain scalar loops: the reference twin of every vector kernel.</summary>
    Scalar,

    /// <summary>256-bit vectors (AVX2 on x86).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512 on x86).</summary>
    Vector512,
}

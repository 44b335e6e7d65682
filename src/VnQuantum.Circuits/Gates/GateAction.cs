namespace VnQuantum.Circuits.Gates;

/// <summary>Which engine kernel a gate maps to; diagonal and permutation gates never do general matrix work.</summary>
public enum GateAction
{
    /// <summary>No effect on the state (id, u0, barrier-like).</summary>
    Identity,

    /// <summary>A general dense matrix on the targets.</summary>
    Matrix,

    /// <summary>Flip of one target (X, CX, CCX, C3X, C4X).</summary>
    Flip,

    /// <summary>Exchange of two targets (SWAP, CSWAP).</summary>
    Swap,

    /// <summary>diag(1, e^{iφ}) on one target: touches only the part where the target and controls are 1.</summary>
    Phase,

    /// <summary>diag(d0, d1) on one target.</summary>
    Diagonal,
}

namespace VnQuantum.Cli;

/// <summary>What <c>vnq</c> returns to the shell.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad command line: unknown option, missing argument.</summary>
    public const int Usage = 1;

    /// <summary>Bad input: a program that does not parse or cannot run; the file:line:col message is on stderr.</summary>
    public const int InputError = 2;

    /// <summary>Not enough memory or another resource for the job.</summary>
    public const int ResourceError = 3;

    /// <summary>The work ran but its outcome is not a success: an aborted key exchange, an infeasible plan or design.</summary>
    public const int Failed = 4;
}

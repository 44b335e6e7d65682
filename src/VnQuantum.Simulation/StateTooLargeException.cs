namespace VnQuantum.Simulation;

/// <summary>Thrown when a state vector would not fit in this machine's memory; the message says how much it needs.</summary>
public sealed class StateTooLargeException : Exception
{
    public StateTooLargeException(string message)
        : base(message)
    {
    }

    public StateTooLargeException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public StateTooLargeException()
    {
    }
}

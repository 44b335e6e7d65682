namespace VnQuantum.Mpi;

/// <summary>
/// MPI_COMM_WORLD of a process started by <c>mpirun</c>: its rank, the number of ranks, and the collective and
/// point-to-point calls the distributed state vector makes. One per process: <see cref="Join"/> initialises MPI once
/// and <see cref="Dispose"/> finalises it. Every call checks MPI's return code, although Open MPI's default error
/// handler (MPI_ERRORS_ARE_FATAL) already ends the whole job on an error, a dead peer included, rather than letting
/// a rank wait for a message that will never come.
/// </summary>
public sealed unsafe class MpiWorld : IDisposable
{
    /// <summary>The largest element count one MPI call takes (its count argument is an int); longer buffers go in pieces.</summary>
    public const int MaxCountPerCall = 1 << 27;

    private static readonly Lock Gate = new();
    private static MpiWorld? s_current;
    private bool _disposed;

    private MpiWorld(int rank, int size)
    {
        Rank = rank;
        Size = size;
    }

    public int Rank { get; }

    public int Size { get; }

    public bool IsRoot => Rank == 0;

    /// <summary>Whether this process was started by Open MPI's launcher (mpirun sets OMPI_COMM_WORLD_SIZE).</summary>
    public static bool LaunchedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is { Length: > 0 };

    /// <summary>Whether Open MPI's library is installed on this machine.</summary>
    public static bool IsAvailable => OpenMpiAbi.IsAvailable;

    /// <summary>Initialises MPI (once per process) and returns the world.</summary>
    public static MpiWorld Join()
    {
        lock (Gate)
        {
            if (s_current is { _disposed: false } current)
            {
                return current;
            }

            Check(MpiNative.MPI_Finalized(out int finalized), "MPI_Finalized");
            if (finalized != 0)
            {
                throw new MpiException("MPI was finalised in this process and cannot start again");
            }

            Check(MpiNative.MPI_Initialized(out int initialized), "MPI_Initialized");
            if (initialized == 0)
            {
                Check(MpiNative.MPI_Init(IntPtr.Zero, IntPtr.Zero), "MPI_Init");
            }

            var world = OpenMpiAbi.CommWorld;
            Check(MpiNative.MPI_Comm_rank(world, out int rank), "MPI_Comm_rank");
            Check(MpiNative.MPI_Comm_size(world, out int size), "MPI_Comm_size");
            s_current = new MpiWorld(rank, size);
            return s_current;
        }
    }

    /// <summary>Sends <paramref name="send"/> to <paramref name="partner"/> and receives as many doubles from it, in pieces.</summary>
    public void Exchange(ReadOnlySpan<double> send, Span<double> receive, int partner)
    {
        if (send.Length != receive.Length)
        {
            throw new ArgumentException("send and receive buffers differ in length", nameof(receive));
        }

        for (int done = 0; done < send.Length; done += MaxCountPerCall)
        {
            int count = Math.Min(MaxCountPerCall, send.Length - done);
            fixed (double* s = send.Slice(done, count))
            fixed (double* r = receive.Slice(done, count))
            {
                Check(MpiNative.MPI_Sendrecv(s, count, OpenMpiAbi.Double, partner, 0, r, count, OpenMpiAbi.Double, partner, 0, OpenMpiAbi.CommWorld, OpenMpiAbi.StatusIgnore), "MPI_Sendrecv");
            }
        }
    }

    /// <summary>Element-wise sum over all ranks, in place; every rank receives the result.</summary>
    public void SumInPlace(Span<double> values)
    {
        for (int done = 0; done < values.Length; done += MaxCountPerCall)
        {
            int count = Math.Min(MaxCountPerCall, values.Length - done);
            fixed (double* v = values.Slice(done, count))
            {
                Check(MpiNative.MPI_Allreduce((void*)OpenMpiAbi.InPlace, v, count, OpenMpiAbi.Double, OpenMpiAbi.OpSum, OpenMpiAbi.CommWorld), "MPI_Allreduce");
            }
        }
    }

    /// <summary>Element-wise sum of 64-bit integers over all ranks, in place.</summary>
    public void SumInPlace(Span<long> values)
    {
        for (int done = 0; done < values.Length; done += MaxCountPerCall)
        {
            int count = Math.Min(MaxCountPerCall, values.Length - done);
            fixed (long* v = values.Slice(done, count))
            {
                Check(MpiNative.MPI_Allreduce((void*)OpenMpiAbi.InPlace, v, count, OpenMpiAbi.Long, OpenMpiAbi.OpSum, OpenMpiAbi.CommWorld), "MPI_Allreduce");
            }
        }
    }

    /// <summary>The largest of one value over all ranks.</summary>
    public long Max(long value)
    {
        long result = value;
        Check(MpiNative.MPI_Allreduce(&value, &result, 1, OpenMpiAbi.Long, OpenMpiAbi.OpMax, OpenMpiAbi.CommWorld), "MPI_Allreduce");
        return result;
    }

    /// <summary>Root's bytes to every rank (the buffer has the same length everywhere).</summary>
    public void Broadcast(Span<byte> buffer, int root = 0)
    {
        for (int done = 0; done < buffer.Length; done += MaxCountPerCall)
        {
            int count = Math.Min(MaxCountPerCall, buffer.Length - done);
            fixed (byte* b = buffer.Slice(done, count))
            {
                Check(MpiNative.MPI_Bcast(b, count, OpenMpiAbi.Byte, root, OpenMpiAbi.CommWorld), "MPI_Bcast");
            }
        }
    }

    public void Barrier() => Check(MpiNative.MPI_Barrier(OpenMpiAbi.CommWorld), "MPI_Barrier");

    /// <summary>Ends every rank of the job: what one rank does when it cannot go on, so that none waits forever.</summary>
    public void Abort(int code) => MpiNative.MPI_Abort(OpenMpiAbi.CommWorld, code);

    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            MpiNative.MPI_Finalize();
        }
    }

    private static void Check(int code, string call)
    {
        if (code != 0)
        {
            throw new MpiException($"{call} failed with MPI error {code}");
        }
    }
}

/// <summary>An MPI call that returned an error.</summary>
public sealed class MpiException(string message) : Exception(message);

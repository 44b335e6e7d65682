using System.Runtime.InteropServices;

namespace VnQuantum.Mpi;

/// <summary>The MPI functions used, by their standard C signatures (handles as pointers, as Open MPI defines them).</summary>
internal static unsafe partial class MpiNative
{
    static MpiNative() => OpenMpiAbi.Register();

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Init(IntPtr argc, IntPtr argv);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Initialized(out int flag);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Finalized(out int flag);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Finalize();

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Comm_rank(IntPtr comm, out int rank);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Comm_size(IntPtr comm, out int size);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Sendrecv(void* sendBuffer, int sendCount, IntPtr sendType, int destination, int sendTag, void* receiveBuffer, int receiveCount, IntPtr receiveType, int source, int receiveTag, IntPtr comm, IntPtr status);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Allreduce(void* sendBuffer, void* receiveBuffer, int count, IntPtr type, IntPtr op, IntPtr comm);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Bcast(void* buffer, int count, IntPtr type, int root, IntPtr comm);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Barrier(IntPtr comm);

    [LibraryImport(OpenMpiAbi.Library)]
    public static partial int MPI_Abort(IntPtr comm, int errorCode);
}

using System.Runtime.InteropServices;

namespace VnQuantum.Mpi;

/// <summary>
/// Everything that is particular to Open MPI's binary interface, in one place. The MPI standard fixes the functions'
/// names and arguments, not what MPI_COMM_WORLD, MPI_DOUBLE or MPI_SUM are: in Open MPI (mpi.h) they are the
/// addresses of exported globals (<c>&amp;ompi_mpi_comm_world</c>, <c>&amp;ompi_mpi_double</c>, <c>&amp;ompi_mpi_op_sum</c>),
/// MPI_STATUS_IGNORE is a null pointer and MPI_IN_PLACE is (void*)1. MPICH would need another version of this file.
/// </summary>
internal static partial class OpenMpiAbi
{
    /// <summary>Debian's openmpi-bin 4.x and 5.x ship the library under this soname.</summary>
    public const string Library = "libmpi.so.40";

    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;

    private static readonly Lazy<IntPtr> Handle = new(Load);

    public static IntPtr CommWorld => Export("ompi_mpi_comm_world");

    public static IntPtr Double => Export("ompi_mpi_double");

    public static IntPtr Long => Export("ompi_mpi_long");

    public static IntPtr Byte => Export("ompi_mpi_byte");

    public static IntPtr OpSum => Export("ompi_mpi_op_sum");

    public static IntPtr OpMax => Export("ompi_mpi_op_max");

    public static readonly IntPtr StatusIgnore = IntPtr.Zero;

    public static readonly IntPtr InPlace = 1;

    /// <summary>Whether the library loads here (Open MPI installed), without initialising anything.</summary>
    public static bool IsAvailable
    {
        get
        {
            try
            {
                return Handle.Value != IntPtr.Zero;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>Routes the LibraryImport calls of this assembly to the library loaded with RTLD_GLOBAL.</summary>
    public static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(OpenMpiAbi).Assembly, static (name, _, _) => name == Library ? Handle.Value : IntPtr.Zero);

    private static IntPtr Export(string symbol) => NativeLibrary.GetExport(Handle.Value, symbol);

    private static IntPtr Load()
    {
        // Open MPI's components (plugins it opens itself) look up libmpi's symbols globally; .NET opens libraries
        // with RTLD_LOCAL, under which those look-ups fail at MPI_Init. So open it RTLD_GLOBAL first, as mpi4py does.
        IntPtr handle = DlOpen(Library, RtldNow | RtldGlobal);
        return handle != IntPtr.Zero ? handle : throw new DllNotFoundException($"{Library} was not found: install Open MPI (apt-get install openmpi-bin libopenmpi-dev)");
    }

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlOpen(string file, int mode);
}

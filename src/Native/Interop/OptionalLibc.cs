using System.Runtime.InteropServices;

namespace UmhActors.Native.Interop;

/// <summary>
/// libc functions that only newer C libraries export. Looked up at run time so the library
/// loads on any glibc; callers check for null and fall back.
/// </summary>
internal static unsafe class OptionalLibc
{
    private static readonly nint LibcHandle = NativeLibrary.Load("libc.so.6");

    /// <summary>glibc ≥ 2.34: closes every fd from a bound in the child before exec.</summary>
    public static readonly delegate* unmanaged<void*, int, int> AddCloseFrom =
        (delegate* unmanaged<void*, int, int>)Lookup("posix_spawn_file_actions_addclosefrom_np");

    /// <summary>glibc ≥ 2.29: changes the child's working directory before exec.</summary>
    public static readonly delegate* unmanaged<void*, byte*, int> AddChdir =
        (delegate* unmanaged<void*, byte*, int>)Lookup("posix_spawn_file_actions_addchdir_np");

    /// <summary>glibc ≥ 2.39: spawns and returns a pidfd, with no window for pid reuse.</summary>
    public static readonly delegate* unmanaged<int*, byte*, void*, void*, byte**, byte**, int> PidfdSpawn =
        (delegate* unmanaged<int*, byte*, void*, void*, byte**, byte**, int>)Lookup("pidfd_spawn");

    /// <summary>glibc ≥ 2.39: the pid behind a pidfd.</summary>
    public static readonly delegate* unmanaged<int, int> PidfdGetPid =
        (delegate* unmanaged<int, int>)Lookup("pidfd_getpid");

    /// <summary>glibc only (musl has no arenas to trim): returns the free pages inside malloc's
    /// arenas to the kernel.</summary>
    public static readonly delegate* unmanaged<nuint, int> MallocTrim =
        (delegate* unmanaged<nuint, int>)Lookup("malloc_trim");

    private static nint Lookup(string name) =>
        NativeLibrary.TryGetExport(LibcHandle, name, out var address) ? address : 0;
}

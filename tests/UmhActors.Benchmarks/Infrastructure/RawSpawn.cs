using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using UmhActors.Native.Interop;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// The raw baseline's process: posix_spawn of an executable file with two plain blocking pipes,
/// no memfd, no reactor, no reaper. What the library is measured against.
/// </summary>
internal sealed unsafe class RawSpawn : IDisposable
{
    private RawSpawn(int pid, FileStream toHelper, FileStream fromHelper)
    {
        Pid = pid;
        ToHelper = toHelper;
        FromHelper = fromHelper;
    }

    public int Pid { get; }

    public FileStream ToHelper { get; }

    public FileStream FromHelper { get; }

    public static RawSpawn Start(string path)
    {
        var stdin = stackalloc int[2];
        var stdout = stackalloc int[2];
        if (Tmds.Linux.LibC.pipe2(stdin, Libc.O_CLOEXEC) != 0 || Tmds.Linux.LibC.pipe2(stdout, Libc.O_CLOEXEC) != 0)
            throw new InvalidOperationException("pipe2 failed");
        var actions = NativeMemory.AllocZeroed(Libc.SpawnStructBytes);
        try
        {
            Libc.posix_spawn_file_actions_init(actions);
            Libc.posix_spawn_file_actions_adddup2(actions, stdin[0], 0);
            Libc.posix_spawn_file_actions_adddup2(actions, stdout[1], 1);
            var pathZ = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* p = pathZ)
            {
                var argv = stackalloc byte*[] { p, null };
                var envp = stackalloc byte*[] { null };
                int pid;
                var error = Libc.posix_spawn(&pid, p, actions, null, argv, envp);
                if (error != 0) throw new InvalidOperationException($"posix_spawn failed: {error}");
                Tmds.Linux.LibC.close(stdin[0]);
                Tmds.Linux.LibC.close(stdout[1]);
                return new RawSpawn(pid,
                    new FileStream(new SafeFileHandle(stdin[1], ownsHandle: true), FileAccess.Write, bufferSize: 0),
                    new FileStream(new SafeFileHandle(stdout[0], ownsHandle: true), FileAccess.Read, bufferSize: 0));
            }
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(actions);
            NativeMemory.Free(actions);
        }
    }

    /// <summary>Closes stdin (the helper exits on EOF) and reaps it.</summary>
    public void Dispose()
    {
        ToHelper.Dispose();
        FromHelper.Dispose();
        int status;
        Libc.waitpid(Pid, &status, 0);
    }
}

using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>Helper blobs and checks shared by the cgroup tests.</summary>
internal static class CgroupBlobs
{
    public const long MiB = 1024 * 1024;

    /// <summary>Allocates and touches <paramref name="mib"/> MiB in 8 MiB chunks (filled bytes,
    /// so every page is really charged), then prints "survived" and exits 0.</summary>
    public static HelperBlob MemoryHog(int mib) => TestBlobs.Script("memhog",
        "#!/usr/bin/python3\n" +
        "chunks = []\n" +
        $"for _ in range({mib} // 8):\n" +
        "    chunks.append(b'\\x01' * (8 * 1024 * 1024))\n" +
        "print('survived', flush=True)\n");

    /// <summary>Prints 1, 2, 3… every 10 ms until killed.</summary>
    public static HelperBlob Counter() => TestBlobs.Shell("counter", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.01; done");

    /// <summary>Sleeps until killed or its stdin closes.</summary>
    public static HelperBlob Sleeper() => TestBlobs.Shell("sleeper", "read _ignored || true");

    /// <summary>Helper cgroup directories this test process created and has not removed.</summary>
    public static List<string> OwnCgroupDirectories() =>
        CgroupSupport.Current.HostDirectories
            .SelectMany(dir => Directory.EnumerateDirectories(dir, $"umh-{Environment.ProcessId}-*"))
            .ToList();
}

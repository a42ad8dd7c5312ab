using System.Diagnostics;
using MessagePack;
using UmhActors.Native.Blobs;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>The NativeAOT test helper embedded in this program, as a blob and as a file.</summary>
internal static class BenchHelper
{
    public static HelperBlob Blob() => HelperBlob.FromEmbeddedHelper(typeof(BenchHelper).Assembly, "testhelper");

    /// <summary>Writes the helper to a temporary executable file (for the Process variant) and
    /// returns its path; the caller deletes it.</summary>
    public static string WriteToTempFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"umh-bench-helper-{Environment.ProcessId}");
        using (var resource = typeof(BenchHelper).Assembly.GetManifestResourceStream("umh-helper:testhelper")!)
        using (var file = File.Create(path))
            resource.CopyTo(file);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The params of an echo request: one 32-byte binary payload.</summary>
    public static byte[] Payload32() => MessagePackSerializer.Serialize(new object[] { new byte[32] });

    public static double Us(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
}

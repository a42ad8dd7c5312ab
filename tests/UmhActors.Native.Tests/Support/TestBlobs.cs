using System.Text;
using UmhActors.Native.Blobs;

namespace UmhActors.Native.Tests.Support;

/// <summary>Blobs made from real executables and scripts. Each call returns a new blob the
/// test disposes.</summary>
internal static class TestBlobs
{
    /// <summary>The bytes of a system executable, as a blob (an ELF image run from memfd).</summary>
    public static HelperBlob System(string tool) => HelperBlob.FromFile(tool, FindTool(tool));

    /// <summary>A script blob.</summary>
    public static HelperBlob Script(string name, string text) => HelperBlob.FromBytes(name, Encoding.UTF8.GetBytes(text));

    /// <summary>A shell script blob (<c>#!/bin/sh</c>).</summary>
    public static HelperBlob Shell(string name, string body) => Script(name, "#!/bin/sh\n" + body + "\n");

    private static string FindTool(string tool)
    {
        foreach (var dir in new[] { "/usr/bin", "/bin" })
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"no {tool} in /usr/bin or /bin");
    }
}

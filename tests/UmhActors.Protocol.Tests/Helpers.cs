using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;

namespace UmhActors.Protocol.Tests;

/// <summary>The embedded helpers every conversation test launches, loaded once.</summary>
internal static class Helpers
{
    private static readonly Lazy<HelperBlob> CSharp = new(() => HelperBlob.FromEmbeddedHelper(typeof(Helpers).Assembly, "testhelper"));
    private static readonly Lazy<HelperBlob> Python = new(() => HelperBlob.FromEmbeddedHelper(typeof(Helpers).Assembly, "pyhelper"));

    public static HelperConnection StartCSharp() => new(HelperLauncher.Launch(CSharp.Value));

    /// <summary>The C# helper's bare process, for tests that read its output themselves.</summary>
    public static HelperProcess LaunchCSharp() => HelperLauncher.Launch(CSharp.Value);

    public static HelperConnection StartPython() => new(HelperLauncher.Launch(Python.Value));

    /// <summary>The Python helper with its codec chosen: "builtin" or "msgpack" (python3-msgpack).</summary>
    public static HelperConnection StartPython(string codec) =>
        new(HelperLauncher.Launch(Python.Value, LaunchOptions.Default.WithEnvironment("UMH_PY_CODEC", codec)));
}

using UmhActors.Native.Blobs;

namespace UmhActors.Hosting.Tests.Support;

/// <summary>The NativeAOT test helper the build embedded in this assembly (one sealed memfd for
/// all tests), and fresh copies under names of their own (for metrics told apart by helper name).</summary>
internal static class TestHelperBlob
{
    private static readonly Lazy<HelperBlob> s_blob = new(() => HelperBlob.FromEmbeddedHelper(typeof(TestHelperBlob).Assembly, "testhelper"));

    public static HelperBlob Instance => s_blob.Value;

    public static HelperBlob Named(string name) =>
        HelperBlob.FromResource(typeof(TestHelperBlob).Assembly, HelperBlob.EmbeddedHelperResourcePrefix + "testhelper", name);
}

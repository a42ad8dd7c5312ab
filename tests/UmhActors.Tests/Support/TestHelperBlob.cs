using UmhActors.Native.Blobs;

namespace UmhActors.Tests.Support;

/// <summary>The NativeAOT test helper the build embedded in this assembly (one sealed memfd for
/// all tests).</summary>
internal static class TestHelperBlob
{
    private static readonly Lazy<HelperBlob> s_blob = new(() => HelperBlob.FromEmbeddedHelper(typeof(TestHelperBlob).Assembly, "testhelper"));

    public static HelperBlob Instance => s_blob.Value;
}

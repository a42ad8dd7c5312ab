using UmhActors.Native.Sandbox;
using UmhActors.Protocol.Runtime;

namespace UmhActors.TestHelper;

/// <summary>How the test helper starts: in the sandbox its host passed (the path every C# helper
/// author follows), or, with <c>UMH_TEST_SANDBOX_LIE=1</c>, claiming every part of one without
/// entering any: the liar the host must refuse.</summary>
internal static class TestSandbox
{
    public static HelperRuntimeBuilder CreateBuilder(string name) => Environment.GetEnvironmentVariable("UMH_TEST_SANDBOX_LIE") == "1"
        ? HelperRuntime.CreateBuilder(name).WithCapabilities([.. SandboxCapabilities.For(SandboxParts.InHelper | SandboxParts.ResourceLimits)])
        : SandboxedHelper.CreateBuilder(name);
}

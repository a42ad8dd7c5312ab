using UmhActors.Protocol.Control;
using UmhActors.Protocol.Runtime;

namespace UmhActors.TestHelper;

/// <summary>A log field value whose formatting fails, as user types' ToString sometimes does.</summary>
internal sealed class ThrowingToString
{
    public override string ToString() => throw new FormatException("ToString failed");
}

/// <summary>A log field value whose formatting logs itself: it must not re-enter a half-written frame.</summary>
internal sealed class LoggingToString(HelperRuntime runtime)
{
    public override string ToString()
    {
        runtime.Log(HelperLogLevel.Debug, "inner");
        return "formatted";
    }
}

namespace UmhActors.Protocol.Control;

/// <summary>
/// The reserved control methods that make a helper built on the C# helper runtime misbehave on
/// purpose, for resilience tests (<c>UmhActors.TestKit</c>'s <c>HelperFaults</c>). The runtime
/// honours them only when the host launched it in test mode, that is with
/// <see cref="EnvironmentVariable"/> set to <c>1</c> (<c>HelperOptions.WithTestFaults()</c>);
/// otherwise it answers each with <see cref="DisabledErrorCode"/> and carries on unharmed.
/// Shapes are documented in docs/protocol.md ("Test mode").
/// </summary>
public static class TestFaultMethods
{
    /// <summary>The prefix of every test-fault method.</summary>
    public const string Prefix = "$/test/";

    /// <summary>The environment variable that puts a helper in test mode when it is <c>1</c>.</summary>
    public const string EnvironmentVariable = "UMH_TEST_FAULTS";

    /// <summary>Host → helper request <c>[]</c>, answered with the helper's pid; from then on the
    /// helper reads and drops every frame (no <c>$/ping</c> is answered, no request is served)
    /// until stdin reaches end of file: a hang the watchdog can see, which still dies with its host.</summary>
    public const string Hang = "$/test/hang";

    /// <summary>Host → helper request <c>[]</c>, answered with the helper's pid, right after which
    /// the helper writes bytes that are not a MessagePack frame (<c>0xc1</c>, a byte MessagePack never uses).</summary>
    public const string Garble = "$/test/garble";

    /// <summary>Host → helper request <c>[]</c>: the helper reads its own memory cgroup's limit and
    /// allocates (and touches) twice that much, so the kernel's OOM killer ends it. Fails with
    /// <see cref="UnavailableErrorCode"/> when the helper has no memory limit (it would only eat the
    /// machine's memory) or survived the allocation; no response otherwise.</summary>
    public const string Allocate = "$/test/allocate";

    /// <summary>The error code of a test-fault method sent to a helper not launched in test mode.</summary>
    public const int DisabledErrorCode = -32010;

    /// <summary>The error code of a test fault that cannot happen here (for example an OOM kill
    /// without a memory limit).</summary>
    public const int UnavailableErrorCode = -32011;

    /// <summary>True when <paramref name="method"/> is a test-fault method.</summary>
    public static bool IsTestFault(string? method) => method is not null && method.StartsWith(Prefix, StringComparison.Ordinal);
}

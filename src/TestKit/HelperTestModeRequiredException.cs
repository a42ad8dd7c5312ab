using UmhActors.Protocol.Control;
using UmhActors.Requests;

namespace UmhActors.TestKit;

/// <summary>The helper refused a cooperative fault (hang, garble, allocate) because it was not
/// launched in test mode: start its actor with <c>HelperOptions.WithTestFaults()</c>. The helper
/// itself is unharmed and goes on serving.</summary>
public sealed class HelperTestModeRequiredException : HelperFaultUnavailableException
{
    /// <summary>Creates the exception from the helper's refusal <paramref name="refusal"/>.</summary>
    public HelperTestModeRequiredException(string fault, HelperErrorException refusal)
        : base(refusal.HelperName, fault,
            $"the helper was not launched in test mode (error {TestFaultMethods.DisabledErrorCode}); launch it with HelperOptions.WithTestFaults()", refusal)
    {
    }
}

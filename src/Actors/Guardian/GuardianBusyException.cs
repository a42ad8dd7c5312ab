namespace UmhActors.Guardian;

/// <summary>Launches in progress did not finish within the freeze or disable timeout; the guardian
/// is back to <see cref="GuardianState.Enabled"/> (the kernel's <c>-EBUSY</c>).</summary>
public sealed class GuardianBusyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GuardianBusyException(string reason) : base(reason)
    {
    }
}

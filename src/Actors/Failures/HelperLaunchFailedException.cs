using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper could not be started (<see cref="HelperFailureKind.LaunchFailed"/>).</summary>
public sealed class HelperLaunchFailedException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperLaunchFailedException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.LaunchFailed;
}

using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper was killed by a signal the host did not send (an administrator's kill) (<see cref="HelperFailureKind.Killed"/>).</summary>
public sealed class HelperKilledException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperKilledException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.Killed;
}

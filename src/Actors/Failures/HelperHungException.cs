using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper did not answer the watchdog's $/ping in time and was killed by the host (<see cref="HelperFailureKind.Hung"/>).</summary>
public sealed class HelperHungException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperHungException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.Hung;
}

using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper exited with a non-zero code (<see cref="HelperFailureKind.Failed"/>).</summary>
public sealed class HelperFailedException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperFailedException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.Failed;
}

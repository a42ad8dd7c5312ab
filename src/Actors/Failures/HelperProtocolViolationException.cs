using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper broke the wire protocol and was killed by the host (<see cref="HelperFailureKind.ProtocolViolation"/>).</summary>
public sealed class HelperProtocolViolationException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperProtocolViolationException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.ProtocolViolation;
}

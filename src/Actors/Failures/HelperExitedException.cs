using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper exited with code 0 on its own; a helper is expected to run until stopped (<see cref="HelperFailureKind.Exited"/>).</summary>
public sealed class HelperExitedException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperExitedException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.Exited;
}

using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper was killed by a core-dump signal: a crash (<see cref="HelperFailureKind.Crashed"/>).</summary>
public sealed class HelperCrashedException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperCrashedException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.Crashed;
}

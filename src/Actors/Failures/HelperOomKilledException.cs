using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>The helper was killed by the kernel's OOM killer (its memory cgroup counted an oom_kill) (<see cref="HelperFailureKind.OomKilled"/>).</summary>
public sealed class HelperOomKilledException : HelperFailureException
{
    /// <summary>Creates the failure.</summary>
    public HelperOomKilledException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
    }

    /// <inheritdoc />
    public override HelperFailureKind Kind => HelperFailureKind.OomKilled;
}

namespace UmhActors.Chaos;

/// <summary>How a chaos run is shaped.</summary>
/// <param name="Duration">How long faults are injected and callers call.</param>
internal sealed record ChaosSettings(TimeSpan Duration)
{
    /// <summary>Helper actors (each its own helper process).</summary>
    public int Helpers { get; init; } = 8;

    /// <summary>Concurrent callers, each with one request in flight at a time.</summary>
    public int Callers { get; init; } = 64;

    /// <summary>Pause between two injected faults.</summary>
    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>fds an fd burst holds (launches meanwhile fail for want of fds).</summary>
    public int BurstFds { get; init; } = 400;

    /// <summary>How long an fd burst holds them.</summary>
    public TimeSpan BurstLength { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Open fds the host may have beyond its count before the chaos (the runtime's own:
    /// threads, lazily opened files).</summary>
    public int FdSlack { get; init; } = 16;

    /// <summary>The fault kinds to inject (<c>sigkill</c>, <c>sigsegv</c>, <c>sigstop</c>, <c>crash</c>,
    /// <c>exit</c>, <c>fdburst</c>); null: all of them. Lets a run find which kind costs what.</summary>
    public IReadOnlySet<string>? Faults { get; init; }

    /// <summary>A reading of where the host's memory is, logged with each progress line (the
    /// benchmark passes one; null: none).</summary>
    public Func<string>? MemoryProbe { get; init; }

    /// <summary>Called with a label (<c>warm-up end</c>, <c>minute N</c>, <c>end</c>) right after each
    /// RSS reading that follows an aggressive GC, so the caller can say where the memory is then
    /// (the benchmark diffs <c>/proc/self/smaps</c>; null: nothing).</summary>
    public Action<string>? MemoryMark { get; init; }

    /// <summary>Seed of the fault and caller choices.</summary>
    public int Seed { get; init; } = 13;
}

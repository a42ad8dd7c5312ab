namespace UmhActors.Chaos;

/// <summary>What a chaos run saw. The invariants: no violation (every request answered once, right
/// or with a typed failure, within its timeout), every helper serving afterwards, nothing left
/// behind (process, cgroup, memfd, fd).</summary>
internal sealed record ChaosReport(
    double Seconds,
    long Requests,
    long Correct,
    long TypedFailures,
    long StrayAnswers,
    IReadOnlyDictionary<string, int> Violations,
    IReadOnlyDictionary<string, int> Faults,
    long Restarts,
    int HelpersServingAfterwards,
    int Helpers,
    int LeftProcesses,
    int LeftCgroups,
    int LeftMemfds,
    int FdsBefore,
    int FdsAfterChaos,
    int LeftFdsBeyondSlack,
    long RssBeforeBytes,
    long RssAfterBytes,
    IReadOnlyList<ChaosSecond> Timeline)
{
    /// <summary>RSS after a compacting full GC only (the measure before issue 13's fix), at the
    /// warm-up's end and at the end: it includes regions the GC has emptied but not yet decommitted.</summary>
    public (long Before, long After) RssAfterCompactingGc { get; init; }

    /// <summary>Host RSS growth from the end of the warm-up to the end, in percent (readings after an
    /// aggressive full GC, which decommits what the GC holds free).</summary>
    public double RssGrowthPercent => RssBeforeBytes == 0 ? 0 : 100.0 * (RssAfterBytes - RssBeforeBytes) / RssBeforeBytes;

    /// <summary>Requests that got neither the right answer nor a typed failure.</summary>
    public long Unanswered => Requests - Correct - TypedFailures;

    /// <summary>Every invariant that failed, in words; empty when all held (RSS is the caller's to judge).</summary>
    public IReadOnlyList<string> BrokenInvariants()
    {
        var broken = Violations.Select(v => $"{v.Value} × {v.Key}").ToList();
        if (HelpersServingAfterwards != Helpers) broken.Add($"only {HelpersServingAfterwards} of {Helpers} helpers serve afterwards");
        if (LeftProcesses != 0) broken.Add($"{LeftProcesses} helper processes left");
        if (LeftCgroups != 0) broken.Add($"{LeftCgroups} helper cgroups left");
        if (LeftMemfds != 0) broken.Add($"{LeftMemfds} memfds left");
        if (LeftFdsBeyondSlack != 0) broken.Add($"{LeftFdsBeyondSlack} fds left beyond the slack ({FdsBefore} before)");
        return broken;
    }
}

/// <summary>One second of a chaos run, for a chart: answers, restarts, failures by type, faults by kind.</summary>
internal sealed record ChaosSecond(int Second, int Answered, int Restarts, IReadOnlyDictionary<string, int> Failures,
    IReadOnlyDictionary<string, int> RestartsByKind, IReadOnlyDictionary<string, int> Faults);

namespace UmhActors.Native.Memory;

/// <summary>What <see cref="NativeMmapThreshold.Apply"/> did, and why, in words.</summary>
/// <param name="Kind">Set, or why not.</param>
/// <param name="Detail">The call made or the reason it was not.</param>
public sealed record MallocTuningOutcome(MallocTuningOutcomeKind Kind, string Detail);

namespace UmhActors.Native.Memory;

/// <summary>What <see cref="NativeMmapThreshold.Apply"/> did.</summary>
public enum MallocTuningOutcomeKind
{
    /// <summary>The setting is made.</summary>
    Set,

    /// <summary><see cref="NativeMmapThreshold.Enabled"/> is false.</summary>
    Disabled,

    /// <summary>The host chose its own (environment variable or glibc tunable); left alone.</summary>
    HostChose,

    /// <summary>The C library has no <c>mallopt</c>.</summary>
    Unsupported,

    /// <summary><c>mallopt</c> refused the value.</summary>
    Refused,
}

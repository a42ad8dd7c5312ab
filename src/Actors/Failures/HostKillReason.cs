namespace UmhActors.Failures;

/// <summary>Why the host itself signalled a helper, so its death is not mistaken for an admin's kill.</summary>
internal enum HostKillReason
{
    None,
    Stop,
    Hang,
    ProtocolViolation,
    HandshakeTimeout,

    // A sandboxed helper did not report entering the in-helper parts its spec requires.
    SandboxNotEntered,
}

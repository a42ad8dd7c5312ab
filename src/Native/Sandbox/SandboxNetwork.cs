namespace UmhActors.Native.Sandbox;

/// <summary>What network access a sandboxed helper keeps.</summary>
public enum SandboxNetwork
{
    /// <summary>No restriction beyond the system call allow-list.</summary>
    Allowed,

    /// <summary>No network: a seccomp rule fails <c>socket()</c> for every family but <c>AF_UNIX</c>
    /// with <c>EAFNOSUPPORT</c> (in every thread), and, when
    /// <see cref="HelperSandbox.NewNetworkNamespace"/> is set, the helper's main thread also moves
    /// into a new, empty network namespace.</summary>
    None,
}

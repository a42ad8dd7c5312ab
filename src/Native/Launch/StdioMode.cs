namespace UmhActors.Native.Launch;

/// <summary>What a helper's fds 0, 1 and 2 are connected to.</summary>
public enum StdioMode
{
    /// <summary>Three pipes: stdin from the host, stdout and stderr to the host.</summary>
    Pipes,

    /// <summary><c>/dev/null</c> for all three, as the kernel's <c>call_usermodehelper()</c> does.</summary>
    Null,
}

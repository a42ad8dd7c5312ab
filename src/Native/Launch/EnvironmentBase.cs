namespace UmhActors.Native.Launch;

/// <summary>The environment a helper starts from, before <see cref="LaunchOptions.Environment"/> is applied.</summary>
public enum EnvironmentBase
{
    /// <summary>The kernel's minimal <c>HOME=/</c>, <c>PATH=/sbin:/bin:/usr/sbin:/usr/bin</c> (the default).</summary>
    Minimal,

    /// <summary>The host process's environment (opt-in: host secrets then reach the helper).</summary>
    Host,

    /// <summary>Nothing: <see cref="LaunchOptions.Environment"/> is the whole environment, as a
    /// <c>call_usermodehelper()</c> envp is.</summary>
    Empty,
}

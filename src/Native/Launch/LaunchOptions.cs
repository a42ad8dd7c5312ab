namespace UmhActors.Native.Launch;

/// <summary>
/// How to start a helper: argv, environment, working directory and stdio. Immutable; build
/// with <c>With…</c> from <see cref="Default"/>.
/// </summary>
/// <remarks>
/// The environment starts from <see cref="BaseEnvironment"/> (the kernel's minimal <c>HOME=/</c>
/// and <c>PATH=/sbin:/bin:/usr/sbin:/usr/bin</c> unless set otherwise), then
/// <see cref="Environment"/> is applied on top.
/// </remarks>
public sealed record LaunchOptions
{
    /// <summary>The environment every helper starts from, as in the kernel's <c>call_usermodehelper</c> users.</summary>
    public static readonly IReadOnlyDictionary<string, string> MinimalEnvironment = new Dictionary<string, string>
    {
        ["HOME"] = "/",
        ["PATH"] = "/sbin:/bin:/usr/sbin:/usr/bin",
    };

    /// <summary>No arguments, minimal environment, working directory <c>/</c>, three pipes.</summary>
    public static LaunchOptions Default { get; } = new();

    /// <summary>Arguments after argv[0].</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>argv[0]; null means the blob's name (or the path for path launches).</summary>
    public string? Argv0 { get; init; }

    /// <summary>Variables set on top of the starting environment (they win on conflict).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>What the environment starts from. <see cref="EnvironmentBase.Minimal"/> by default:
    /// host secrets in environment variables should not reach helpers by accident.</summary>
    public EnvironmentBase BaseEnvironment { get; init; } = EnvironmentBase.Minimal;

    /// <summary>The helper's working directory; <c>/</c> by default.</summary>
    public string WorkingDirectory { get; init; } = "/";

    /// <summary>What fds 0, 1 and 2 are; pipes by default.</summary>
    public StdioMode Stdio { get; init; } = StdioMode.Pipes;

    /// <summary>The helper's memory limit in bytes (its own cgroup's <c>memory.max</c> /
    /// <c>memory.limit_in_bytes</c>, swap included); null for none. Exceeding it gets the helper
    /// OOM-killed, and the kill is then recorded as <c>ExitStatus.OomKillCount</c>.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>True when the helper gets its own cgroup (implied by a memory limit; needed for
    /// <c>HelperCgroup.Freeze</c> and OOM evidence). False by default.</summary>
    public bool UseCgroup { get; init; }

    /// <summary>When a cgroup is requested but <c>CgroupSupport.Current</c> says none can be used:
    /// false (default) fails the launch with <c>CgroupUnavailableException</c>; true runs the
    /// helper without a cgroup (no limit, no freezing, no OOM evidence).</summary>
    public bool RunWithoutCgroupIfUnavailable { get; init; }

    /// <summary>These options with a memory limit of <paramref name="bytes"/> (must be positive)
    /// enforced by a per-helper cgroup. With <paramref name="ignoreIfUnavailable"/> a machine
    /// without usable cgroups runs the helper unlimited instead of failing the launch.</summary>
    public LaunchOptions WithMemoryLimit(long bytes, bool ignoreIfUnavailable = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        return this with { MemoryLimitBytes = bytes, UseCgroup = true, RunWithoutCgroupIfUnavailable = ignoreIfUnavailable };
    }

    /// <summary>These options with (true) or without (false) a per-helper cgroup. Without one,
    /// any memory limit is dropped too. See <see cref="RunWithoutCgroupIfUnavailable"/> for
    /// <paramref name="ignoreIfUnavailable"/>.</summary>
    public LaunchOptions WithCgroup(bool enabled = true, bool ignoreIfUnavailable = false) => enabled
        ? this with { UseCgroup = true, RunWithoutCgroupIfUnavailable = ignoreIfUnavailable }
        : this with { UseCgroup = false, MemoryLimitBytes = null, RunWithoutCgroupIfUnavailable = false };

    /// <summary>These options with argv[1..] set to <paramref name="arguments"/>.</summary>
    public LaunchOptions WithArguments(params string[] arguments)
    {
        foreach (var a in arguments)
            if (a is null || a.Contains('\0')) throw new ArgumentException("arguments cannot be null or contain NUL", nameof(arguments));
        return this with { Arguments = arguments.ToArray() };
    }

    /// <summary>These options with argv[0] set.</summary>
    public LaunchOptions WithArgv0(string argv0)
    {
        ArgumentException.ThrowIfNullOrEmpty(argv0);
        return this with { Argv0 = argv0 };
    }

    /// <summary>These options with one more environment variable.</summary>
    public LaunchOptions WithEnvironment(string name, string value)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('=') || name.Contains('\0'))
            throw new ArgumentException($"'{name}' is not a valid environment variable name", nameof(name));
        ArgumentNullException.ThrowIfNull(value);
        return this with { Environment = new Dictionary<string, string>(Environment) { [name] = value } };
    }

    /// <summary>These options starting from the host's environment (true) or the minimal one (false).</summary>
    public LaunchOptions WithInheritedEnvironment(bool inherit = true) =>
        this with { BaseEnvironment = inherit ? EnvironmentBase.Host : EnvironmentBase.Minimal };

    /// <summary>These options with exactly <paramref name="environment"/> as the environment.</summary>
    public LaunchOptions WithExactEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var copy = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (var name in copy.Keys)
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0'))
                throw new ArgumentException($"'{name}' is not a valid environment variable name", nameof(environment));
        return this with { BaseEnvironment = EnvironmentBase.Empty, Environment = copy };
    }

    /// <summary>These options with another working directory (must be absolute).</summary>
    public LaunchOptions WithWorkingDirectory(string path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/') throw new ArgumentException($"working directory '{path}' must be an absolute path", nameof(path));
        return this with { WorkingDirectory = path };
    }

    /// <summary>These options with stdio connected as <paramref name="mode"/> says.</summary>
    public LaunchOptions WithStdio(StdioMode mode) => this with { Stdio = mode };

    /// <summary>The default <see cref="FdReserve"/>: 64 fds.</summary>
    public const int DefaultFdReserve = 64;

    /// <summary>How many fds must stay free in the host after a launch (default
    /// <see cref="DefaultFdReserve"/>). The .NET runtime aborts the process when it cannot get an fd
    /// for a new thread, so a launch that would leave fewer free than this (counting the open fds
    /// against <c>RLIMIT_NOFILE</c>) fails at once with a transient
    /// <see cref="LaunchFailedException"/> instead (<see cref="LaunchFailedException.IsTransient"/>):
    /// back-pressure, not a crash. 0 turns the check off.</summary>
    public int FdReserve { get; init; } = DefaultFdReserve;

    /// <summary>These options with another <see cref="FdReserve"/> (0 or more).</summary>
    public LaunchOptions WithFdReserve(int fds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fds);
        return this with { FdReserve = fds };
    }

    /// <summary>The helper's sandbox; null (default) for none, which changes nothing about a launch.</summary>
    public Sandbox.HelperSandbox? Sandbox { get; init; }

    /// <summary>These options with <paramref name="sandbox"/> (null removes it). Its cgroup limits
    /// imply a per-helper cgroup (<see cref="UseCgroup"/>); the spec reaches the helper in the
    /// <c>UMH_SANDBOX</c> environment variable, whatever <see cref="BaseEnvironment"/> says.</summary>
    public LaunchOptions WithSandbox(Sandbox.HelperSandbox? sandbox) => sandbox is { MaxTasks: not null } or { CpuQuota: not null }
        ? this with { Sandbox = sandbox, UseCgroup = true }
        : this with { Sandbox = sandbox };

    /// <summary>The final environment as NAME=VALUE strings.</summary>
    internal IEnumerable<string> BuildEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (BaseEnvironment == EnvironmentBase.Host)
        {
            foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
                env[(string)e.Key] = (string?)e.Value ?? "";
        }
        else if (BaseEnvironment == EnvironmentBase.Minimal)
        {
            foreach (var (k, v) in MinimalEnvironment) env[k] = v;
        }
        foreach (var (k, v) in Environment) env[k] = v;
        if (Sandbox is { } sandbox) env[UmhActors.Native.Sandbox.SandboxSpecCodec.VariableName] = UmhActors.Native.Sandbox.SandboxSpecCodec.Encode(sandbox);
        else env.Remove(UmhActors.Native.Sandbox.SandboxSpecCodec.VariableName);
        return env.Select(kv => kv.Key + "=" + kv.Value);
    }
}

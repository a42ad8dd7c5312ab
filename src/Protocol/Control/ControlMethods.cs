namespace UmhActors.Protocol.Control;

/// <summary>
/// The reserved method names. Every name starting with <see cref="Prefix"/> belongs to the
/// protocol; application methods must not use it. Shapes are documented in docs/protocol.md.
/// </summary>
public static class ControlMethods
{
    /// <summary>The prefix reserved for control methods.</summary>
    public const string Prefix = "$/";

    /// <summary>Helper → host notification, the helper's first frame: <c>[version, name, pid, capabilities]</c>.</summary>
    public const string Hello = "$/hello";

    /// <summary>Host → helper watchdog probe <c>[token]</c>, as a notification (answered by <see cref="Pong"/>)
    /// or as a request (answered by a response whose result is the token).</summary>
    public const string Ping = "$/ping";

    /// <summary>Helper → host notification <c>[token]</c> answering a <see cref="Ping"/> notification.</summary>
    public const string Pong = "$/pong";

    /// <summary>Host → helper notification <c>[msgid]</c>: cancel that in-flight request. The request
    /// still gets exactly one response.</summary>
    public const string Cancel = "$/cancel";

    /// <summary>Host → helper notification <c>[]</c>: finish in-flight requests, then exit with code 0.</summary>
    public const string Shutdown = "$/shutdown";

    /// <summary>Helper → host notification <c>[level, message, fields]</c>: a structured log record.</summary>
    public const string Log = "$/log";

    /// <summary>True when <paramref name="method"/> is reserved for the protocol.</summary>
    public static bool IsControl(string? method) => method is not null && method.StartsWith(Prefix, StringComparison.Ordinal);
}

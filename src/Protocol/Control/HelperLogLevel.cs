namespace UmhActors.Protocol.Control;

/// <summary>Severity of a <c>$/log</c> record. On the wire it is the lower-case name
/// (<c>"trace"</c>, <c>"debug"</c>, <c>"info"</c>, <c>"warn"</c>, <c>"error"</c>).</summary>
public enum HelperLogLevel
{
    /// <summary><c>"trace"</c>.</summary>
    Trace,

    /// <summary><c>"debug"</c>.</summary>
    Debug,

    /// <summary><c>"info"</c>; also what unknown level names read as.</summary>
    Info,

    /// <summary><c>"warn"</c>.</summary>
    Warn,

    /// <summary><c>"error"</c>.</summary>
    Error,
}

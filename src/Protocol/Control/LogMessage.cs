namespace UmhActors.Protocol.Control;

/// <summary>The params of <c>$/log</c>: <c>[level, message, fields]</c>.</summary>
/// <param name="Level">Severity.</param>
/// <param name="Message">The human-readable text.</param>
/// <param name="Fields">Structured fields. Read back, values are null, bool, long, ulong, double,
/// string or byte[]; nested arrays and maps arrive as their JSON text.</param>
public sealed record LogMessage(HelperLogLevel Level, string Message, IReadOnlyDictionary<string, object?> Fields)
{
    /// <summary>A record with no fields.</summary>
    public LogMessage(HelperLogLevel level, string message) : this(level, message, new Dictionary<string, object?>())
    {
    }
}

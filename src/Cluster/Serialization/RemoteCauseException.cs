namespace UmhActors.Cluster.Serialization;

/// <summary>
/// The inner exception of a helper failure that crossed nodes: its type and message, as the node
/// where it happened saw them. The failure itself keeps its type and fields; only a cause whose type
/// the wire format does not carry (anything but a launch's <see cref="Native.Launch.LaunchFailedException"/>)
/// arrives as this.
/// </summary>
public sealed class RemoteCauseException : Exception
{
    /// <summary>Creates the cause.</summary>
    /// <param name="typeName">The full name of the original exception's type.</param>
    /// <param name="message">The original exception's message.</param>
    public RemoteCauseException(string typeName, string message)
        : base($"{typeName}: {message}")
    {
        TypeName = typeName;
        OriginalMessage = message;
    }

    /// <summary>The full name of the original exception's type ("UmhActors.Protocol.Framing.ProtocolViolationException").</summary>
    public string TypeName { get; }

    /// <summary>The original exception's message.</summary>
    public string OriginalMessage { get; }
}

using MessagePack;

namespace UmhActors.Requests;

/// <summary>A helper's successful answer: its result, one MessagePack value.</summary>
/// <param name="RawResult">The result as encoded by the helper (owned by this message).</param>
public sealed record HelperResponse(ReadOnlyMemory<byte> RawResult)
{
    /// <summary>Deserializes the result, treating the bytes as untrusted.</summary>
    public T GetResult<T>(MessagePackSerializerOptions? options = null) =>
        MessagePackSerializer.Deserialize<T>(RawResult, (options ?? MessagePackSerializerOptions.Standard).WithSecurity(MessagePackSecurity.UntrustedData));
}

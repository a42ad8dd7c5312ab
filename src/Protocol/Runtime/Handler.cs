namespace UmhActors.Protocol.Runtime;

/// <summary>A registered request handler: returns the encoded result, or throws.</summary>
internal sealed record Handler(Func<RequestContext, ValueTask<ReadOnlyMemory<byte>>> Invoke, bool Inline);

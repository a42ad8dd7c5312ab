using System.Buffers;
using Akka.Actor;
using Akka.Remote.Serialization;
using Akka.Serialization;
using MessagePack;
using UmhActors.Cluster.Sharding;
using UmhActors.Requests;

namespace UmhActors.Cluster.Serialization;

/// <summary>
/// The Akka serializer for every UmhActors message that crosses nodes: <see cref="HelperRequest"/>,
/// <see cref="HelperResponse"/>, <see cref="ShardedHelperRequest"/>, <see cref="ShardedHelperCancel"/>, the typed failures (alone or in a
/// <c>Status.Failure</c>, the form in which a caller receives them). Params and results travel as the
/// raw MessagePack bytes they already are, inside a small MessagePack array; no reflection.
/// Bound by <see cref="UmhClusterSerialization"/>.
/// </summary>
/// <remarks>
/// Akka.Remote serializes every <c>Status.Failure</c> with its <c>akka-misc</c> serializer, which rebuilds
/// an exception through a <c>(SerializationInfo, StreamingContext)</c> constructor that modern exceptions,
/// ours included, lack: a helper failure would reach a remote caller as a failure without its
/// exception. So this serializer is bound to <c>Status.Failure</c> too: it writes the failures it knows
/// itself and hands every other <c>Status.Failure</c> to <c>akka-misc</c> unchanged (manifest
/// <c>M</c> + akka-misc's own). Every member of the cluster must therefore bind it.
/// </remarks>
public sealed class UmhMessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id (unique within an ActorSystem; Akka reserves 0–100).</summary>
    public const int Id = 7261;

    internal const string RequestManifest = "Q", ResponseManifest = "R", ShardedManifest = "S", CancelManifest = "C", FailureManifest = "F",
        ExceptionManifest = "X", DelegatedPrefix = "M";

    private static readonly MessagePackSerializerOptions Untrusted = MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
    private readonly Lazy<MiscMessageSerializer> _misc;

    /// <summary>Creates the serializer (Akka does, from HOCON).</summary>
    public UmhMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _misc = new Lazy<MiscMessageSerializer>(() => new MiscMessageSerializer(system));
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        HelperRequest => RequestManifest,
        HelperResponse => ResponseManifest,
        ShardedHelperRequest => ShardedManifest,
        ShardedHelperCancel => CancelManifest,
        Status.Failure failure when FailureCodec.Supports(failure.Cause) => FailureManifest,
        Status.Failure failure => DelegatedPrefix + _misc.Value.Manifest(failure),
        Exception e when FailureCodec.Supports(e) => ExceptionManifest,
        _ => throw new ArgumentException($"the UmhActors serializer cannot write {o.GetType()}", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        if (obj is Status.Failure foreign && !FailureCodec.Supports(foreign.Cause)) return _misc.Value.ToBinary(foreign);
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new MessagePackWriter(buffer);
        switch (obj)
        {
            case HelperRequest request:
                WriteRequest(ref w, request);
                break;
            case HelperResponse response:
                w.WriteArrayHeader(1);
                w.Write(response.RawResult.Span);
                break;
            case ShardedHelperRequest sharded:
                w.WriteArrayHeader(2);
                w.Write(sharded.EntityId);
                WriteRequest(ref w, sharded.Request);
                break;
            case ShardedHelperCancel cancel:
                // The requester as Akka.Remote writes a sender (address and uid), so the entity's
                // member resolves it to a ref equal to the request's Sender.
                w.WriteArrayHeader(2);
                w.Write(cancel.EntityId);
                w.Write(Akka.Serialization.Serialization.SerializedActorPath(cancel.Requester));
                break;
            case Status.Failure failure:
                FailureCodec.Write(ref w, failure.Cause);
                break;
            case Exception e when FailureCodec.Supports(e):
                FailureCodec.Write(ref w, e);
                break;
            default:
                throw new ArgumentException($"the UmhActors serializer cannot write {obj.GetType()}", nameof(obj));
        }
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest.StartsWith(DelegatedPrefix, StringComparison.Ordinal)) return _misc.Value.FromBinary(bytes, manifest[DelegatedPrefix.Length..]);
        var r = new MessagePackReader(bytes);
        try
        {
            return manifest switch
            {
                RequestManifest => ReadRequest(ref r),
                ResponseManifest => ReadResponse(ref r),
                ShardedManifest => ReadSharded(ref r),
                CancelManifest => ReadCancel(ref r),
                FailureManifest => new Status.Failure(FailureCodec.Read(ref r)),
                ExceptionManifest => FailureCodec.Read(ref r),
                _ => throw new System.Runtime.Serialization.SerializationException($"unknown UmhActors manifest \"{manifest}\""),
            };
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException or OverflowException)
        {
            throw new System.Runtime.Serialization.SerializationException($"unreadable UmhActors message (manifest \"{manifest}\", {bytes.Length} bytes): {e.Message}", e);
        }
    }

    private static void WriteRequest(ref MessagePackWriter w, HelperRequest request)
    {
        w.WriteArrayHeader(4);
        w.Write(request.Method);
        w.Write(request.RawParams.Span);
        if (request.Timeout is { } timeout) w.Write(timeout.Ticks);
        else w.WriteNil();
        w.Write(request.RoutingKey);
    }

    private static HelperRequest ReadRequest(ref MessagePackReader r)
    {
        Expect(r.ReadArrayHeader(), 4, "HelperRequest");
        var method = r.ReadString()!;
        var raw = Bytes(ref r);
        TimeSpan? timeout = r.TryReadNil() ? null : TimeSpan.FromTicks(r.ReadInt64());
        var routingKey = r.ReadString();
        return new HelperRequest(method, raw, timeout) { RoutingKey = routingKey };
    }

    private static HelperResponse ReadResponse(ref MessagePackReader r)
    {
        Expect(r.ReadArrayHeader(), 1, "HelperResponse");
        return new HelperResponse(Bytes(ref r));
    }

    private static ShardedHelperRequest ReadSharded(ref MessagePackReader r)
    {
        Expect(r.ReadArrayHeader(), 2, "ShardedHelperRequest");
        var entityId = r.ReadString() ?? throw new MessagePackSerializationException("ShardedHelperRequest without an entity id");
        return new ShardedHelperRequest(entityId, ReadRequest(ref r));
    }

    private ShardedHelperCancel ReadCancel(ref MessagePackReader r)
    {
        Expect(r.ReadArrayHeader(), 2, "ShardedHelperCancel");
        var entityId = r.ReadString() ?? throw new MessagePackSerializationException("ShardedHelperCancel without an entity id");
        var path = r.ReadString() ?? throw new MessagePackSerializationException("ShardedHelperCancel without a requester");
        return new ShardedHelperCancel(entityId, system.Provider.ResolveActorRef(path));
    }

    // A copy: the message owns its bytes, not the remoting buffer they arrived in.
    private static byte[] Bytes(ref MessagePackReader r) => r.ReadBytes() is { } bytes ? bytes.ToArray() : [];

    private static void Expect(int count, int expected, string what)
    {
        if (count != expected) throw new MessagePackSerializationException($"{what}: {count} fields, expected {expected}");
    }
}

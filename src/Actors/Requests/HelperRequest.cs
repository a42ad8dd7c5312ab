using System.Diagnostics;
using MessagePack;
using UmhActors.Diagnostics;

namespace UmhActors.Requests;

/// <summary>
/// Ask a helper actor to call <paramref name="Method"/> with <paramref name="RawParams"/> (exactly one
/// MessagePack value). The reply is a <see cref="HelperResponse"/>, or a <c>Status.Failure</c>
/// carrying a <see cref="HelperErrorException"/>, <see cref="HelperTimeoutException"/>,
/// <see cref="HelperOverloadedException"/>, <see cref="HelperStoppedException"/>, the helper's
/// <see cref="Failures.HelperFailureException"/> when it died with the request in flight,
/// <see cref="InvalidHelperRequestException"/> or <see cref="HelperRequestTooLargeException"/> when
/// the request breaks the helper's limits (it is then not sent), <see cref="HelperRequestUndeliveredException"/>
/// when it never reached a helper (the actor had stopped or was handing off, Akka dropped it), or an
/// <see cref="OperationCanceledException"/> after a <see cref="Helpers.CancelHelperRequest"/>.
/// </summary>
/// <param name="Method">The helper method; names starting with <c>$/</c> are reserved.</param>
/// <param name="RawParams">The params, already MessagePack-encoded: exactly one value.</param>
/// <param name="Timeout">Overrides the helper's default request timeout: positive (capped to
/// <see cref="Helpers.HelperOptions.MaxRequestTimeout"/>) or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
/// for none; zero or negative is rejected.</param>
public sealed record HelperRequest(string Method, ReadOnlyMemory<byte> RawParams, TimeSpan? Timeout = null)
{
    private static readonly byte[] EmptyArray = [0x90];

    /// <summary>For a helper pool routing by consistent hash (<see cref="Hosting.HelperRouting.ConsistentHash"/>):
    /// requests with equal keys reach the same helper. Ignored by a single helper and the other routings.</summary>
    public string? RoutingKey { get; init; }

    // The caller's Activity (captured when the request is made, only while a tracer listens), or a
    // boxed ActivityContext set explicitly, or null: one reference, so requests stay small untraced.
    private readonly object? _traceParent = UmhTracing.CallerActivity();

    /// <summary>The span the request's own span is a child of: by default the caller's
    /// <see cref="Activity.Current"/> when the request was made (captured only while a tracer listens to
    /// <c>UmhActors</c>; otherwise default, and the request's span, if any, is a root). Set it to carry a
    /// parent from elsewhere (a message from another process).</summary>
    public ActivityContext TraceParent
    {
        get => _traceParent switch
        {
            Activity caller => caller.Context,
            ActivityContext context => context,
            _ => default,
        };
        init => _traceParent = value == default ? null : value;
    }

    /// <summary>A request whose params are <paramref name="parameters"/> serialized with
    /// MessagePack (standard resolver unless <paramref name="options"/> says otherwise).</summary>
    public static HelperRequest Create<T>(string method, T parameters, MessagePackSerializerOptions? options = null, TimeSpan? timeout = null) =>
        new(method, MessagePackSerializer.Serialize(parameters, options), timeout);

    /// <summary>A request with no params (an empty array).</summary>
    public static HelperRequest WithoutParams(string method, TimeSpan? timeout = null) => new(method, EmptyArray, timeout);
}

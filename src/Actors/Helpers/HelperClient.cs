using System.Runtime.ExceptionServices;
using Akka.Actor;
using MessagePack;
using UmhActors.Requests;

namespace UmhActors.Helpers;

/// <summary>
/// A typed front for a <see cref="HelperActor"/> (or anything answering <see cref="HelperRequest"/>,
/// such as a router or shard region): Ask, then unwrap the answer or throw the typed failure.
/// </summary>
/// <param name="helper">The helper actor.</param>
/// <param name="askTimeout">A safety net for the Ask itself; the actor always answers within the
/// request timeout, so this only matters if the actor is gone. Default 60 s.</param>
/// <param name="options">MessagePack options for params and results (standard resolver by default).</param>
public sealed class HelperClient(IActorRef helper, TimeSpan? askTimeout = null, MessagePackSerializerOptions? options = null)
{
    private readonly TimeSpan _askTimeout = askTimeout ?? TimeSpan.FromSeconds(60);

    /// <summary>The actor behind this client.</summary>
    public IActorRef Helper { get; } = helper;

    /// <summary>Calls <paramref name="method"/> with <paramref name="request"/> as its params and
    /// deserializes the result as <typeparamref name="TResponse"/>.</summary>
    /// <exception cref="HelperErrorException">The helper answered with an error.</exception>
    /// <exception cref="HelperTimeoutException">No answer within the request timeout.</exception>
    /// <exception cref="HelperOverloadedException">Too many requests in flight and queued.</exception>
    /// <exception cref="Failures.HelperFailureException">The helper died with the request in flight.</exception>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HelperRequest.Create(method, request, options), cancellationToken).ConfigureAwait(false);
        return response.GetResult<TResponse>(options);
    }

    /// <summary>Sends <paramref name="request"/> and returns the raw response.</summary>
    public async Task<HelperResponse> SendAsync(HelperRequest request, CancellationToken cancellationToken = default)
    {
        var answer = await Helper.Ask<object>(request, _askTimeout, cancellationToken).ConfigureAwait(false);
        switch (answer)
        {
            case HelperResponse response:
                return response;
            case Status.Failure failure:
                ExceptionDispatchInfo.Throw(failure.Cause);
                throw failure.Cause;
            default:
                throw new InvalidOperationException($"unexpected answer from {Helper.Path}: {answer}");
        }
    }
}

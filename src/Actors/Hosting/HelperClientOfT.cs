using Akka.Hosting;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Requests;

namespace UmhActors.Hosting;

/// <summary>
/// A <see cref="HelperClient"/> for the helper registered under <typeparamref name="TKey"/>, to take
/// from DI (<see cref="HelperClientServiceCollectionExtensions.AddHelperClient{TKey}"/>): a controller or
/// hosted service calls <see cref="CallAsync{TRequest, TResponse}"/> without an <c>IActorRef</c>.
/// </summary>
/// <remarks>The actor is looked up on the first call (waiting, within the caller's token, until the
/// ActorSystem has registered it); every call then goes through one <see cref="HelperClient"/>, with
/// its timeouts and cancellation.</remarks>
/// <typeparam name="TKey">The key the helper was registered under with <c>WithHelper&lt;TKey&gt;</c>.</typeparam>
/// <param name="helper">The registered actor (Akka.Hosting provides <see cref="IRequiredActor{TKey}"/>).</param>
/// <param name="askTimeout">As for <see cref="HelperClient"/>: the wait for a request without its own timeout.</param>
/// <param name="options">MessagePack options for params and results (standard resolver by default).</param>
public sealed class HelperClient<TKey>(IRequiredActor<TKey> helper, TimeSpan? askTimeout = null, MessagePackSerializerOptions? options = null)
{
    private readonly IRequiredActor<TKey> _helper = helper ?? throw new ArgumentNullException(nameof(helper));
    private HelperClient? _client;

    /// <summary>The <see cref="HelperClient"/> behind this one, once the actor is registered.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async ValueTask<HelperClient> GetClientAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _client) is { } client) return client;
        var actor = await _helper.GetAsync(cancellationToken).ConfigureAwait(false);
        // Two first callers may both build one; either is as good as the other.
        Interlocked.CompareExchange(ref _client, new HelperClient(actor, askTimeout, options), null);
        return _client!;
    }

    /// <inheritdoc cref="HelperClient.CallAsync{TRequest, TResponse}"/>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, CancellationToken cancellationToken = default)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.CallAsync<TRequest, TResponse>(method, request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="HelperClient.SendAsync"/>
    public async Task<HelperResponse> SendAsync(HelperRequest request, CancellationToken cancellationToken = default)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

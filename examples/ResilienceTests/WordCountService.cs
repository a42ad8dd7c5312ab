using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Requests;

namespace ResilienceTests;

/// <summary>
/// The service under test: counts words with its helper. Its resilience rules, which the tests
/// check under each fault: a request whose helper died under it is retried once (the helper actor
/// restarts its helper meanwhile); a request that times out is answered with <see cref="CountFailed"/>;
/// once the helper actor has stopped (an admin's kill stops it), every request is answered with
/// <see cref="CountFailed"/> at once instead of waiting.
/// </summary>
public sealed class WordCountService : ReceiveActor
{
    private readonly HelperClient _client;
    private readonly TimeSpan _requestTimeout;
    private bool _helperGone;

    public WordCountService(IActorRef helper, TimeSpan requestTimeout)
    {
        _client = new HelperClient(helper);
        _requestTimeout = requestTimeout;
        Context.Watch(helper);
        Receive<CountWords>(request =>
        {
            if (_helperGone) Sender.Tell(new CountFailed("the word counter is gone"));
            else CountAsync(request.Text).PipeTo(Sender);
        });
        Receive<Terminated>(_ => _helperGone = true);
    }

    public static Props Props(IActorRef helper, TimeSpan requestTimeout) => Akka.Actor.Props.Create(() => new WordCountService(helper, requestTimeout));

    private async Task<object> CountAsync(string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await _client.SendAsync(HelperRequest.Create("count", text, timeout: _requestTimeout));
                return new WordCount(response.GetResult<int>());
            }
            catch (HelperFailureException died) when (attempt == 1 && died.Kind != HelperFailureKind.Killed)
            {
                // Crashed, OOM-killed, hung, garbled: the helper actor restarts it; try once more.
            }
            catch (HelperFailureException died)
            {
                return new CountFailed($"the word counter ended ({died.Kind})");
            }
            catch (HelperTimeoutException)
            {
                return new CountFailed("the word counter did not answer in time");
            }
        }
    }
}

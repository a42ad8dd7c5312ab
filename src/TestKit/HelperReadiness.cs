using Akka.Actor;
using UmhActors.Helpers;

namespace UmhActors.TestKit;

/// <summary>Waits for a helper actor to report its helper ready (<see cref="HelperStatus.Ready"/>).</summary>
internal static class HelperReadiness
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <exception cref="TimeoutException">Not ready within <paramref name="timeout"/>; says what the actor last reported.</exception>
    public static async Task<HelperStatus> AwaitAsync(IActorRef helper, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        HelperStatus? last = null;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left > TimeSpan.Zero)
            {
                try
                {
                    last = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, left, cancellationToken).ConfigureAwait(false);
                    if (last.Ready) return last;
                }
                catch (AskTimeoutException)
                {
                }
            }
            if (DateTime.UtcNow + PollInterval >= deadline)
                throw new TimeoutException($"helper actor {helper.Path} was not ready within {timeout}; last status: {last?.ToString() ?? "none (no answer)"}");
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}

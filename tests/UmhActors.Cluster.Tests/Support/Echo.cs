using Akka.Actor;
using UmhActors.Cluster.Sharding;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Requests;

namespace UmhActors.Cluster.Tests.Support;

/// <summary>Requests to the sharded test helpers and the checks on their answers.</summary>
internal static class Echo
{
    public static ShardedHelperRequest Request(string entityId, int n) =>
        new(entityId, HelperRequest.Create("echo", new[] { entityId, n.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

    /// <summary>Echoes through <paramref name="region"/>; throws unless the answer is exactly what was sent.</summary>
    public static async Task AssertEchoAsync(IActorRef region, string entityId, int n, TimeSpan? timeout = null)
    {
        var response = await region.Ask<HelperResponse>(Request(entityId, n), timeout ?? TimeSpan.FromSeconds(15));
        Assert.Equal(new[] { entityId, n.ToString(System.Globalization.CultureInfo.InvariantCulture) }, response.GetResult<string[]>());
    }

    /// <summary>Echoes through <paramref name="client"/> (which retries a request Akka dropped) with
    /// <paramref name="timeout"/> as the request's deadline, and classifies the end; a typed failure's
    /// type name goes to <paramref name="failure"/>.</summary>
    public static async Task<(EchoOutcome Outcome, string? Failure)> TryEchoAsync(ShardedHelperClient client, string entityId, int n, TimeSpan timeout)
    {
        try
        {
            var request = Request(entityId, n).Request with { Timeout = timeout };
            var response = await client.SendAsync(entityId, request);
            var result = response.GetResult<string[]>();
            return (result.Length == 2 && result[0] == entityId && result[1] == n.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? EchoOutcome.Correct
                : EchoOutcome.Wrong, null);
        }
        catch (Exception e) when (e is HelperFailureException or HelperStoppedException or HelperTimeoutException or LaunchesDisabledException
                                      or LaunchPermitTimeoutException or HelperOverloadedException or HelperRequestUndeliveredException)
        {
            return (EchoOutcome.TypedFailure, e.GetType().Name);
        }
        catch (AskTimeoutException)
        {
            return (EchoOutcome.Lost, null);
        }
    }

    /// <summary>The pid of the helper behind <paramref name="entityId"/>.</summary>
    public static async Task<int> PidAsync(IActorRef region, string entityId, TimeSpan? timeout = null)
    {
        var response = await region.Ask<HelperResponse>(new ShardedHelperRequest(entityId, HelperRequest.WithoutParams("pid")), timeout ?? TimeSpan.FromSeconds(15));
        return response.GetResult<int>();
    }
}

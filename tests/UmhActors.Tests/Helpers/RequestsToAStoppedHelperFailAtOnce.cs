using System.Diagnostics;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>A request Akka cannot deliver (its helper actor has stopped) is answered at once by the
/// <see cref="UndeliveredRequestBouncer"/>, not left to the Ask's timeout.</summary>
public sealed class RequestsToAStoppedHelperFailAtOnce(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task CallAsync_on_a_helper_actor_that_has_stopped_fails_at_once_with_HelperRequestUndeliveredException()
    {
        var askTimeout = TimeSpan.FromSeconds(10);
        var client = new HelperClient(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance)), askTimeout);
        await client.WhenReadyAsync(timeout: Patience);
        Watch(client.Helper);
        await client.StopAsync(Patience);
        ExpectTerminated(client.Helper, Patience);

        var clock = Stopwatch.StartNew();
        var undelivered = await Assert.ThrowsAsync<HelperRequestUndeliveredException>(() => client.CallAsync<string[], string[]>("echo", ["hi"]));

        Assert.True(clock.Elapsed < askTimeout / 2, $"the failure took {clock.Elapsed}, as long as a timeout");
        Assert.Equal("echo", undelivered.Method);
        Assert.Equal(client.Helper.Path.ToString(), undelivered.Recipient);
    }
}

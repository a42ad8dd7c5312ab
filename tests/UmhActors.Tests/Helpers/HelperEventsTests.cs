using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

public sealed class HelperEventsTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task Notifications_reach_subscribers_in_order()
    {
        var (helper, pid) = await StartHelperAsync();
        var events = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(events.Ref), Patience);
        await new HelperClient(helper).SendAsync(Call("flood", 100));
        for (var i = 0; i < 100; i++)
        {
            var n = events.ExpectMsg<HelperNotification>(Patience);
            Assert.Equal("flood", n.Method);
            Assert.Equal(pid, n.Pid);
            Assert.Equal(i, MessagePackSerializer.Deserialize<int[]>(n.RawParams)[0]);
        }
    }

    [Fact]
    public async Task Stderr_lines_reach_subscribers_and_the_log()
    {
        var (helper, pid) = await StartHelperAsync();
        var events = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(events.Ref), Patience);
        // The log line names the helper and its pid, as the README promises.
        await EventFilter.Info(contains: $"[helper testhelper pid {pid} stderr] something odd happened").ExpectOneAsync(Patience, async () =>
            await new HelperClient(helper).SendAsync(Call("stderr", "something odd happened")));
        var line = events.FishForMessage<HelperStderrLine>(_ => true, Patience);
        Assert.Equal("something odd happened", line.Line);
        Assert.Equal(pid, line.Pid);
    }
}

using System.Diagnostics;
using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>Readiness from the library, without polling: <see cref="HelperClient.WhenReadyAsync"/>
/// (<see cref="NotifyWhenReady"/>) completes when a helper said hello, waits through restarts and a
/// frozen guardian, and fails with the reason when the actor gives its helper up.</summary>
public sealed class HelperReadinessTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task WhenReady_answers_once_the_helper_said_hello_and_then_with_the_replacement_of_a_crashed_one()
    {
        var client = new HelperClient(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance)));

        var first = await client.WhenReadyAsync(timeout: Patience);
        Assert.True(HostCensus.IsRunning(first.Pid));
        Assert.Equal((TestHelperBlob.Instance.Name, 0), (first.HelperName, first.Restarts));
        Assert.Equal(first, await client.WhenReadyAsync(timeout: Patience)); // already ready: at once, same helper

        var crash = await Assert.ThrowsAsync<HelperCrashedException>(() => client.CallAsync<object[], object>("crash", []));
        Assert.Equal(first.Pid, crash.Pid);
        var second = await client.WhenReadyAsync(replacingPid: crash.Pid, timeout: Patience);

        Assert.NotEqual(first.Pid, second.Pid);
        Assert.Equal(1, second.Restarts);
        Assert.True(HostCensus.IsRunning(second.Pid));
        Assert.Equal(3, await client.CallAsync<int[], int>("add", [1, 2]));
    }

    [Fact]
    public async Task WhenReady_waits_for_a_launch_held_by_the_frozen_guardian_and_answers_on_thaw()
    {
        var guardian = UmhGuardian.Get(Sys);
        await guardian.FreezeAsync(Patience);
        try
        {
            var client = new HelperClient(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance)));
            var ready = client.WhenReadyAsync(timeout: Patience);
            await AwaitAssertAsync(async () => Assert.Equal(1, (await guardian.GetStatusAsync()).Waiting), Patience);
            // The launch holds no permit yet, so no helper can have said hello.
            Assert.False(ready.IsCompleted);

            await guardian.EnableAsync();

            var helper = await ready;
            Assert.True(HostCensus.IsRunning(helper.Pid));
        }
        finally
        {
            await guardian.EnableAsync();
        }
    }

    [Fact]
    public async Task WhenReady_fails_with_the_failure_when_the_policy_stops_the_actor_after_an_admin_kill()
    {
        var client = new HelperClient(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance)));
        var helper = await client.WhenReadyAsync(timeout: Patience);
        var replacement = client.WhenReadyAsync(replacingPid: helper.Pid, timeout: Patience);
        Watch(client.Helper);

        using (var process = Process.GetProcessById(helper.Pid)) process.Kill(); // SIGKILL, as an admin would

        var killed = await Assert.ThrowsAsync<HelperKilledException>(() => replacement);
        Assert.Equal(helper.Pid, killed.Pid);
        ExpectTerminated(client.Helper, Patience);
    }

    [Fact]
    public async Task WhenReady_fails_with_HelperStoppedException_when_the_actor_is_stopped_while_a_launch_waits()
    {
        var guardian = UmhGuardian.Get(Sys);
        await guardian.FreezeAsync(Patience);
        try
        {
            var client = new HelperClient(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance)));
            var ready = client.WhenReadyAsync(timeout: Patience);
            await AwaitAssertAsync(async () => Assert.Equal(1, (await guardian.GetStatusAsync()).Waiting), Patience);

            Sys.Stop(client.Helper);

            await Assert.ThrowsAsync<HelperStoppedException>(() => ready);
        }
        finally
        {
            await guardian.EnableAsync();
        }
    }

    [Fact]
    public async Task WhenReady_on_an_actor_that_already_stopped_fails_at_once_as_stopped_not_at_the_timeout()
    {
        var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance));
        var client = new HelperClient(helper);
        await client.WhenReadyAsync(timeout: Patience);
        await helper.GracefulStop(Patience);

        // The request reaches no one; the wait must end with the stop, long before its timeout.
        var waited = Stopwatch.StartNew();
        var stopped = await Assert.ThrowsAsync<HelperStoppedException>(() => client.WhenReadyAsync(timeout: TimeSpan.FromSeconds(20)));
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"took {waited.Elapsed}");
        Assert.Equal(helper.Path.Name, stopped.HelperName);
    }
}

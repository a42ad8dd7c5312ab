using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using UmhActors.Diagnostics;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

/// <summary>
/// Launches take their permits from the guardian's lock-free gate while launches are enabled; a
/// freeze or a disable must still stop every launch that did not get in before it, and wait for
/// every one that did. These tests race real threads (and real helper actors) against the flips.
/// </summary>
public sealed class LaunchGateRaceTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public void No_launch_gets_through_the_gate_after_a_disable_has_seen_it_drained()
    {
        var gate = new LaunchGate(() => { });
        var drained = 0; // 1 while the "guardian" believes launches are disabled and drained
        var violations = 0;
        var entered = 0L;
        using var stop = new CancellationTokenSource();
        var launchers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!gate.TryEnter()) continue;
                Interlocked.Increment(ref entered);
                if (Volatile.Read(ref drained) == 1) Interlocked.Increment(ref violations);
                gate.Exit();
            }
        })).ToArray();
        foreach (var launcher in launchers) launcher.Start();

        var flips = 0;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            gate.Close(flips % 2 == 0 ? GuardianState.Disabled : GuardianState.Freezing);
            while (gate.InFlight > 0) Thread.SpinWait(1);
            Volatile.Write(ref drained, 1);
            // Launchers keep trying while the gate is closed; a broken gate lets one in here.
            Thread.SpinWait(2000);
            Volatile.Write(ref drained, 0);
            gate.Close(GuardianState.Enabled);
            Thread.SpinWait(500);
            flips++;
        }
        stop.Cancel();
        foreach (var launcher in launchers) launcher.Join();

        Assert.True(entered > 0 && flips > 100, $"the race did not run: {entered} entries, {flips} flips");
        Assert.Equal(0, violations);
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public void A_launch_that_read_Enabled_just_before_a_disable_backs_out_instead_of_passing_unseen()
    {
        LaunchGate? gate = null;
        var seenByGuardian = -1;
        // The guardian disables in the launch's worst moment: after it read Enabled, before it counted itself.
        gate = new LaunchGate(() => { }) { AfterStateRead = () => seenByGuardian = gate!.Close(GuardianState.Disabled) };

        var entered = gate.TryEnter();

        Assert.Equal(0, seenByGuardian); // the guardian saw no launch in progress, so it would report drained…
        Assert.False(entered);           // …and the launch must therefore not proceed
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task Helpers_launched_while_the_guardian_flips_never_spawn_while_launches_are_disabled_or_frozen()
    {
        var guardian = UmhGuardian.Get(Sys);
        var prefix = $"race-{Guid.NewGuid():N}-";
        var spawnsBegun = new ConcurrentQueue<DateTimeOffset>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == UmhTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Name == LaunchTracing.SpanName ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("umh.actor") is string actor && actor.StartsWith(prefix, StringComparison.Ordinal))
                    foreach (var e in activity.Events.Where(e => e.Name == "begun")) spawnsBegun.Enqueue(e.Timestamp);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var closedWindows = new List<(DateTimeOffset From, DateTimeOffset To)>();
        var actors = new ConcurrentBag<IActorRef>();
        using var stop = new CancellationTokenSource();
        // Launches keep coming from several threads while the guardian flips.
        var launchers = Enumerable.Range(0, 3).Select(t => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                actors.Add(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default.WithLaunchPermitTimeout(TimeSpan.FromSeconds(20))),
                    $"{prefix}{t}-{i}"));
                await Task.Delay(2);
            }
        })).ToArray();
        try
        {
            for (var flip = 0; flip < 6; flip++)
            {
                await Task.Delay(60);
                try
                {
                    if (flip % 2 == 0) await guardian.DisableAsync(Patience);
                    else await guardian.FreezeAsync(Patience);
                }
                catch (GuardianBusyException)
                {
                    continue; // launches did not drain in time: enabled again, nothing to check
                }
                var closedAt = DateTimeOffset.UtcNow;
                await Task.Delay(60);
                var reopening = DateTimeOffset.UtcNow;
                await guardian.EnableAsync();
                closedWindows.Add((closedAt, reopening));
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(launchers);
            await guardian.EnableAsync();
        }
        // Every launch still going finishes (or fails) and ends its span.
        foreach (var actor in actors) await actor.GracefulStop(Patience);

        Assert.NotEmpty(closedWindows);
        Assert.True(spawnsBegun.Count > 10, $"only {spawnsBegun.Count} launches ran");
        var inside = spawnsBegun.Where(t => closedWindows.Any(w => t > w.From && t < w.To)).ToList();
        Assert.True(inside.Count == 0, $"{inside.Count} spawn(s) began while launches were disabled or frozen and drained: {string.Join(", ", inside.Select(t => t.ToString("HH:mm:ss.ffffff")))}");
    }
}

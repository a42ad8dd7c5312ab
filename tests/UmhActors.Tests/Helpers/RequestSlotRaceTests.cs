using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>Races between the actor's bookkeeping and the reactor's answers, forced into their
/// worst interleaving through <see cref="RequestBook"/>'s seams, against a real helper.</summary>
public sealed class RequestSlotRaceTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public void A_slot_freed_while_a_request_is_being_queued_is_not_lost()
    {
        using var harness = new RequestBookHarness(this, HelperOptions.Default.WithBounds(maxInFlight: 1, maxQueued: 10)
            .WithRequestTimeout(TimeSpan.FromMinutes(5)));
        harness.Launch();
        var first = new AnswerRecorder(((ExtendedActorSystem)Sys).Provider);
        var second = new AnswerRecorder(((ExtendedActorSystem)Sys).Provider);
        harness.Submit(Call("add", 1, 2), first);

        // The actor has read "no free slot"; before it tells the reactor that requests wait, the
        // reactor answers the only request in flight and finishes its read batch.
        harness.Book.NoFreeSlot = () =>
        {
            Assert.True(SpinWait.SpinUntil(() => first.Count == 1 && harness.Current!.InFlight == 0, TimeSpan.FromSeconds(15)));
            Thread.Sleep(100); // lets the reactor reach the end of its batch: widens the race, proves nothing
        };
        harness.Submit(Call("add", 3, 4), second);
        harness.Book.NoFreeSlot = null;

        // Only a wake-up (SlotsFreed) or the actor's own re-check can send the second request:
        // nothing else (no timeout tick here) will.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (second.Count == 0 && DateTime.UtcNow < deadline)
        {
            harness.Pump();
            Thread.Sleep(10);
        }
        var answer = Assert.IsType<HelperResponse>(Assert.Single(second.Answers));
        Assert.Equal(7, MessagePackSerializer.Deserialize<int>(answer.RawResult));
    }

    [Fact]
    public void Msgid_wrap_around_skips_ids_still_in_flight()
    {
        using var harness = new RequestBookHarness(this, HelperOptions.Default.WithBounds(maxInFlight: 8, maxQueued: 10));
        harness.Launch();
        var provider = ((ExtendedActorSystem)Sys).Provider;
        var longRunning = new AnswerRecorder(provider);
        harness.Submit(Call("sleep", 1_000), longRunning); // msgid 1, in flight for a second

        // Four billion requests later the ids come round again while msgid 1 is still in flight.
        harness.Book.LastMsgId = uint.MaxValue - 1;
        var after = Enumerable.Range(0, 3).Select(_ => new AnswerRecorder(provider)).ToArray();
        for (var i = 0; i < after.Length; i++) harness.Submit(Call("add", i, 100), after[i]); // uint.MaxValue, 0, then 1 again

        Assert.True(SpinWait.SpinUntil(() => { harness.Pump(); return longRunning.Count + after.Sum(a => a.Count) == 4; }, TimeSpan.FromSeconds(15)),
            $"answers: long {longRunning.Count}, others {string.Join(",", after.Select(a => a.Count))}");
        Assert.Equal(1_000, MessagePackSerializer.Deserialize<int>(Assert.IsType<HelperResponse>(Assert.Single(longRunning.Answers)).RawResult));
        for (var i = 0; i < after.Length; i++)
            Assert.Equal(i + 100, MessagePackSerializer.Deserialize<int>(Assert.IsType<HelperResponse>(Assert.Single(after[i].Answers)).RawResult));
        Assert.Empty(harness.Book.InFlight);
    }
}

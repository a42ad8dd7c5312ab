using Akka.Actor;
using UmhActors.Helpers;

namespace UmhActors.Tests.Helpers;

/// <summary>The lock-free in-flight table: one owner thread adds (and grows the table) while other
/// threads remove, as the actor and the reactor do.</summary>
public sealed class PendingTableTests
{
    private static PendingRequest Request(uint msgId) => new(ActorRefs.Nobody, "echo", long.MaxValue, Timeout.InfiniteTimeSpan) { MsgId = msgId };

    [Fact]
    public void An_id_whose_slot_is_taken_by_a_long_request_is_refused_and_the_next_one_fits()
    {
        var table = new PendingTable(initialSlots: 8);
        Assert.True(table.TryAdd(Request(3)));
        // 3 + 8 lands on the slot of 3, still in flight: the caller must take the next id.
        Assert.False(table.TryAdd(Request(3 + 8)));
        Assert.True(table.TryAdd(Request(3 + 9)));
        Assert.False(table.TryRemove(3 + 8, out _));
        Assert.True(table.TryRemove(3, out var removed));
        Assert.Equal(3u, removed.MsgId);
        Assert.False(table.TryRemove(3, out _));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Growing_keeps_every_request_reachable_by_its_id()
    {
        var table = new PendingTable(initialSlots: 2);
        var ids = Enumerable.Range(0, 1000).Select(i => uint.MaxValue - 500 + (uint)i).ToArray(); // wraps through 0
        foreach (var id in ids) Assert.True(table.TryAdd(Request(id)));
        Assert.True(table.Capacity >= 2 * ids.Length);
        Assert.Equal(ids.Order(), table.Select(e => e.Key).Order());
        foreach (var id in ids) Assert.True(table.TryRemove(id, out var r) && r.MsgId == id);
        Assert.True(table.IsEmpty);
    }

    [Fact]
    public async Task A_table_whose_requests_are_answered_as_they_come_does_not_grow()
    {
        // The owner's view of the removals is refreshed only when the table looks half full: it
        // must then see them, and not grow for requests long answered.
        var table = new PendingTable(initialSlots: 8);
        var remover = Task.Factory.StartNew(() =>
        {
            for (uint id = 1; id <= 100_000; id++)
            {
                var wait = new SpinWait();
                while (!table.TryRemove(id, out _)) wait.SpinOnce();
            }
        }, TaskCreationOptions.LongRunning);
        for (uint id = 1; id <= 100_000; id++)
        {
            var wait = new SpinWait();
            // At most three in flight, as an actor with MaxInFlight 3 would keep it.
            while (table.Count >= 3) wait.SpinOnce();
            Assert.True(table.TryAdd(Request(id)));
        }
        await remover.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(8, table.Capacity);
        Assert.True(table.IsEmpty);
    }

    [Fact]
    public void Racing_removers_take_each_request_exactly_once_while_the_owner_adds_and_grows()
    {
        // Many short rounds, each on a fresh table that starts at 2 slots, so that it grows a dozen
        // times per round with the removers at its heels.
        const int Rounds = 500;
        const int PerRound = 1_024;
        var taken = new int[Rounds * PerRound];
        PendingTable table = null!;
        var added = 0;
        var refused = 0;
        var leftovers = 0;
        using var phase = new Barrier(3);
        var owner = new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                Volatile.Write(ref table, new PendingTable(initialSlots: 2));
                Volatile.Write(ref added, 0);
                phase.SignalAndWait();
                for (var i = 0; i < PerRound; i++)
                {
                    if (!table.TryAdd(Request((uint)(round * PerRound + i)))) refused++;
                    Volatile.Write(ref added, i + 1);
                }
                phase.SignalAndWait();
                // Both removers tried every id after it was added: nothing may be left.
                leftovers += table.Count() + table.Count;
            }
        });
        // Two removers chase the owner, both trying every id: one must win each, never both.
        var removers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                phase.SignalAndWait();
                var current = Volatile.Read(ref table);
                for (var next = 0; next < PerRound;)
                {
                    var limit = Volatile.Read(ref added);
                    if (limit == next) Thread.Yield(); // two cores: let the owner run
                    for (; next < limit; next++)
                        if (current.TryRemove((uint)(round * PerRound + next), out var request)) Interlocked.Increment(ref taken[request.MsgId]);
                }
                phase.SignalAndWait();
            }
        })).ToArray();
        owner.Start();
        foreach (var remover in removers) remover.Start();
        Assert.True(owner.Join(TimeSpan.FromSeconds(60)));
        foreach (var remover in removers) Assert.True(remover.Join(TimeSpan.FromSeconds(60)));

        Assert.Equal(0, refused);
        Assert.Equal(0, leftovers);
        var wrong = Enumerable.Range(0, taken.Length).Where(i => taken[i] != 1).Take(5).ToList();
        Assert.True(wrong.Count == 0, $"requests taken other than once: {string.Join(", ", wrong.Select(i => $"{i}×{taken[i]}"))}");
    }
}

using System.Collections;
using System.Runtime.InteropServices;

namespace UmhActors.Helpers;

/// <summary>
/// The requests in flight by msgid, shared by the actor (which adds, and also removes on timeout,
/// cancellation and failure) and the reactor (which removes as answers arrive). An open table
/// indexed by the msgid's low bits, without locks: a remove is one compare-and-swap of the slot, so
/// the reactor answering and the actor sending never wait for each other (a
/// <c>ConcurrentDictionary</c> here made them contend for its bucket locks at every request).
/// </summary>
/// <remarks>
/// <para>Only the actor adds, enumerates and grows. The table holds at most half as many requests
/// as it has slots (it doubles first), so a free slot is near; an add whose slot is taken (by a long
/// request whose id is <c>k × size</c> behind) fails and the caller takes the next id.</para>
/// <para>Growing moves each entry by swapping a <c>Moved</c> marker into its old slot; a remover that
/// meets the marker waits for the new array to be published and looks there. Two ids in flight
/// never share a slot after growing, since they did not share one before (the sizes are powers of
/// two).</para>
/// </remarks>
internal sealed class PendingTable : IEnumerable<KeyValuePair<uint, PendingRequest>>
{
    private static readonly PendingRequest Moved = new(Akka.Actor.ActorRefs.Nobody, "", 0, TimeSpan.Zero);

    private PendingRequest?[] _slots;
    // Adds (actor only) and removes (any thread) are counted apart, each on a cache line of its own:
    // one shared count made the actor and the reactor take the line from each other at every request.
    private Counters _counters;
    // The actor's last look at the removals: stale only makes the table look fuller than it is.
    private int _removedSeen;

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Counters
    {
        [FieldOffset(64)] public int Added;
        [FieldOffset(128)] public int Removed;
    }

    public PendingTable(int initialSlots = 64) => _slots = new PendingRequest?[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(initialSlots, 2))];

    /// <summary>Requests in the table (removals read first, so the count is never below zero).</summary>
    public int Count
    {
        get
        {
            var removed = Volatile.Read(ref _counters.Removed);
            return Volatile.Read(ref _counters.Added) - removed;
        }
    }

    public bool IsEmpty => Count == 0;

    /// <summary>The number of slots (for tests of growth).</summary>
    internal int Capacity => Volatile.Read(ref _slots).Length;

    /// <summary>Adds <paramref name="request"/> under its <see cref="PendingRequest.MsgId"/>; false when
    /// that id's slot is taken. Actor thread only.</summary>
    public bool TryAdd(PendingRequest request)
    {
        var slots = _slots;
        if (_counters.Added - _removedSeen >= slots.Length / 2)
        {
            _removedSeen = Volatile.Read(ref _counters.Removed);
            if (_counters.Added - _removedSeen >= slots.Length / 2) slots = Grow();
        }
        ref var slot = ref slots[request.MsgId & (uint)(slots.Length - 1)];
        if (Volatile.Read(ref slot) is not null) return false;
        // Counted before it can be removed, so removals never outrun adds.
        Volatile.Write(ref _counters.Added, _counters.Added + 1);
        Volatile.Write(ref slot, request);
        return true;
    }

    /// <summary>Removes the request with <paramref name="msgId"/>, if it is there; any thread. Of two
    /// threads removing the same request, exactly one gets it.</summary>
    public bool TryRemove(uint msgId, out PendingRequest request)
    {
        while (true)
        {
            var slots = Volatile.Read(ref _slots);
            ref var slot = ref slots[msgId & (uint)(slots.Length - 1)];
            var current = Volatile.Read(ref slot);
            if (ReferenceEquals(current, Moved))
            {
                var spin = new SpinWait();
                while (ReferenceEquals(Volatile.Read(ref _slots), slots)) spin.SpinOnce();
                continue;
            }
            if (current is null || current.MsgId != msgId)
            {
                request = null!;
                return false;
            }
            if (ReferenceEquals(Interlocked.CompareExchange(ref slot, null, current), current))
            {
                Interlocked.Increment(ref _counters.Removed);
                request = current;
                return true;
            }
            // Removed by another thread, or moved by a growth: look again.
        }
    }

    // Actor thread only: entries move one by one, each atomically taken from its old slot, and the
    // new array is published once all are in.
    private PendingRequest?[] Grow()
    {
        var old = _slots;
        var bigger = new PendingRequest?[old.Length * 2];
        var mask = (uint)(bigger.Length - 1);
        for (var i = 0; i < old.Length; i++)
        {
            var entry = Interlocked.Exchange(ref old[i], Moved);
            if (entry is not null) bigger[entry.MsgId & mask] = entry;
        }
        Volatile.Write(ref _slots, bigger);
        return bigger;
    }

    /// <summary>The requests in the table now (those removed meanwhile may or may not appear). Actor thread only.</summary>
    public IEnumerator<KeyValuePair<uint, PendingRequest>> GetEnumerator()
    {
        var slots = Volatile.Read(ref _slots);
        for (var i = 0; i < slots.Length; i++)
        {
            if (Volatile.Read(ref slots[i]) is { } entry && !ReferenceEquals(entry, Moved))
                yield return new KeyValuePair<uint, PendingRequest>(entry.MsgId, entry);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

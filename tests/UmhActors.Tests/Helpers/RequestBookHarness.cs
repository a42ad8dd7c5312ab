using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Exit;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using static UmhActors.Helpers.HelperActorSignals;

namespace UmhActors.Tests.Helpers;

/// <summary>
/// Drives a <see cref="RequestBook"/> the way <see cref="HelperActor"/> does, from the test's thread,
/// against a real helper process and the real reactor: the tests choose the interleaving on the
/// actor's side while the reactor answers concurrently. Messages the reactor sends "the actor"
/// arrive on <see cref="Self"/> and are handled by <see cref="Pump"/>.
/// </summary>
internal sealed class RequestBookHarness : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly HelperOptions _options;
    private readonly HelperEventSubscribers _subscribers = new();
    private readonly ILoggingAdapter _log;
    private int _generation;

    public RequestBookHarness(TestKitBase kit, HelperOptions options)
    {
        _options = options;
        Self = kit.CreateTestProbe();
        _log = Logging.GetLogger(kit.Sys, "request-book-harness");
        Book = new RequestBook("testhelper", options);
    }

    public TestProbe Self { get; }

    public RequestBook Book { get; }

    public HelperIncarnation? Current { get; private set; }

    public HelperOptions Options => _options;

    /// <summary>Launches a helper and waits for its hello (handling anything else that arrives).</summary>
    public void Launch()
    {
        if (Current is not null) throw new InvalidOperationException("a helper is running");
        Current = HelperIncarnation.Launch(++_generation, TestHelperBlob.Instance, _options, Self.Ref, Book.InFlight, _subscribers, _log);
        var deadline = DateTime.UtcNow + Patience;
        while (Current is { Ready: false })
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no $/hello");
            Handle(Self.ReceiveOne(Patience) ?? throw new TimeoutException("no $/hello"));
        }
    }

    public void Submit(HelperRequest request, IActorRef sender) => FlushIf(Book.Submit(request, sender, Current));

    public void Expire() => FlushIf(Book.Expire(Current));

    public void Cancel(IActorRef requester) => FlushIf(Book.Cancel(requester, Current));

    /// <summary>Handles what the reactor told "the actor" so far, without waiting.</summary>
    public void Pump()
    {
        while (Self.HasMessages) Handle(Self.ReceiveOne(TimeSpan.Zero)!);
    }

    /// <summary>SIGKILLs the helper and waits until its death was handled (requests in flight failed).</summary>
    public void KillHelper()
    {
        if (Current is not { } current) return;
        var generation = current.Generation;
        current.Kill(HostKillReason.Hang, new TimeoutException("killed by the test"));
        var deadline = DateTime.UtcNow + Patience;
        while (Current?.Generation == generation)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the killed helper was never reaped");
            Handle(Self.ReceiveOne(Patience) ?? throw new TimeoutException("the killed helper was never reaped"));
        }
    }

    /// <summary>Closes the helper's pipes (it sees EOF on stdin and exits) and fails what was in
    /// flight, as the actor does when it stops.</summary>
    public void Retire()
    {
        if (Current is not { } current) return;
        Current = null;
        current.Retire(TimeSpan.FromSeconds(2), graceful: false);
        Book.FailInFlight(new HelperStoppedException("testhelper"));
    }

    public void Dispose()
    {
        Retire();
        Book.FailQueued(new HelperStoppedException("testhelper"));
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case HelloReceived hello when hello.Generation == Current?.Generation:
                Current.Ready = true;
                FlushIf(Book.Drain(Current));
                break;
            case SlotsFreed:
                FlushIf(Book.Drain(Current));
                break;
            case HelperExited exited when exited.Generation == Current?.Generation:
                var current = Current;
                Current = null;
                current.Exited = true;
                current.Retire(TimeSpan.Zero, graceful: false);
                Book.FailInFlight(new HelperStoppedException("testhelper"));
                break;
        }
    }

    private void FlushIf(bool wrote)
    {
        if (wrote) Current?.Channel.Flush();
    }
}

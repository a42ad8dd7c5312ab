using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Guardian;

namespace UmhActors.Tests.Guardian;

[CollectionDefinition(nameof(SchedulerStartTests), DisableParallelization = true)]
public sealed class SchedulerStartCollection;

/// <summary>The guardian's start (the first use of the library in an ActorSystem) starts Akka's
/// scheduler thread before the library's actors schedule anything: the scheduler's first schedule
/// blocks its caller in <c>Task.Wait</c>, and on a pool thread that makes the pool add a worker
/// (docs/benchmarks.md, "Host threads in a mass start"). Alone in its collection: another test's
/// new ActorSystem would start a scheduler of its own meanwhile.</summary>
[Collection(nameof(SchedulerStartTests))]
public sealed class SchedulerStartTests
{
    [Fact]
    public async Task Starting_the_guardian_from_a_pool_thread_blocks_no_pool_thread_on_the_scheduler_start()
    {
        using var waits = new SchedulerStartWaits();
        var system = ActorSystem.Create("scheduler-start", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        try
        {
            // As a helper actor's PreStart does: the extension starts on a pool thread.
            var guardian = await Task.Run(() => UmhGuardian.Get(system));
            // Answered after the guardian's PreStart, which starts its periodic tick.
            await guardian.Actor.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(10));
            // The scheduler runs: a schedule made now fires.
            var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(1), () => fired.SetResult());
            await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Empty(waits.Stacks);
        }
        finally
        {
            await system.Terminate();
        }
    }

    // Pool threads that waited synchronously on an unfinished task inside Akka's scheduler start:
    // the TPL writes TaskWaitBegin on the waiting thread, so the stack is the waiter's.
    private sealed class SchedulerStartWaits : EventListener
    {
        public ConcurrentBag<string> Stacks { get; } = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "System.Threading.Tasks.TplEventSource") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x3);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            // TaskWaitBegin (10), synchronous behaviour (1).
            if (e.EventId != 10 || !Thread.CurrentThread.IsThreadPoolThread || e.Payload is not { } payload || e.PayloadNames is not { } names) return;
            if (Convert.ToInt32(payload[names.IndexOf("Behavior")]) != 1) return;
            var stack = new StackTrace().ToString();
            if (stack.Contains("HashedWheelTimerScheduler", StringComparison.Ordinal)) Stacks.Add(stack);
        }
    }
}

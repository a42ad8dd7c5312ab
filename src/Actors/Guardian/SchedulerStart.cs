using Akka.Actor;

namespace UmhActors.Guardian;

/// <summary>
/// Starts the ActorSystem's scheduler thread before the library's actors first schedule. Akka's
/// <c>HashedWheelTimerScheduler</c> starts its thread at the first schedule and blocks the caller in
/// <c>Task.Wait</c> until that thread runs. The library's first schedules (the guardian's tick, a
/// helper's request timeouts) run on the thread pool, whose cooperative-blocking rule answers such
/// a wait by adding a worker that then idles for 20 s: two per ActorSystem, seen in the scale
/// suite's mass starts (docs/benchmarks.md, "Host threads in a mass start"). Here the wait
/// happens on the calling thread when it is not a pool thread, else on a short-lived thread of its
/// own while the pool thread waits on an event, which the pool does not count as blocked work.
/// </summary>
internal static class SchedulerStart
{
    // Long enough for a thread start on a loaded machine; past it, the first schedule waits itself.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    public static void Ensure(ActorSystem system)
    {
        if (!Thread.CurrentThread.IsThreadPoolThread)
        {
            Touch(system);
            return;
        }
        // Not disposed: after a timed-out wait the thread still sets it.
        var started = new ManualResetEventSlim();
        try
        {
            new Thread(() =>
            {
                Touch(system);
                started.Set();
            }) { IsBackground = true, Name = "umh-scheduler-start" }.UnsafeStart();
        }
        catch (Exception e) when (e is ThreadStartException or OutOfMemoryException)
        {
            // No thread to spare (fds or memory short): the first schedule starts it, as without this.
            return;
        }
        started.Wait(MaxWait);
    }

    // Any schedule starts the scheduler's thread; this one does nothing, at once.
    private static void Touch(ActorSystem system) => system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, static () => { });
}

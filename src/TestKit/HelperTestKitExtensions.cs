using Akka.Actor;
using Akka.TestKit;
using UmhActors.Failures;
using UmhActors.Supervision;

namespace UmhActors.TestKit;

/// <summary>
/// Resilience-test helpers for any Akka TestKit (<c>Akka.TestKit.Xunit2</c>'s <c>TestKit</c>,
/// <c>Akka.Hosting.TestKit</c>'s): fault injection, assertions on what supervision decided, readiness
/// and a census of leftover helpers. Every wait has an explicit timeout (15 s by default, dilated
/// by the TestKit's <c>akka.test.timefactor</c>); failures are reported through the TestKit's assertions.
/// </summary>
public static class HelperTestKitExtensions
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    // The TestKit's own assertions (xunit's for Akka.TestKit.Xunit2), so failures read as the framework's.
    private static ITestKitAssertions Assertions(TestKitBase testKit) => TestKitAssertionsExtension.For(testKit.Sys).Assertions;

    /// <summary>Fault injection for the helper of <paramref name="helper"/> (see <see cref="TestKit.HelperFaults"/>).
    /// Starts recording helper decisions, if nothing did yet.</summary>
    public static HelperFaults HelperFaults(this TestKitBase testKit, IActorRef helper, TimeSpan? timeout = null) =>
        new(testKit.Sys, helper, testKit.Dilated(timeout ?? DefaultTimeout));

    /// <summary>Starts recording the system's <see cref="HelperSupervisionDecision"/>s for
    /// <see cref="ExpectHelperDecision"/>. Call it (or create <see cref="TestKit.HelperFaults"/>, or
    /// await <see cref="AwaitHelperReadyAsync"/>) before the fault; decisions published before the
    /// first call are not seen.</summary>
    public static void RecordHelperDecisions(this TestKitBase testKit) => HelperDecisionRecorder.For(testKit.Sys);

    /// <summary>Takes the next helper decision not yet taken (of <paramref name="helper"/> when given)
    /// and asserts its kind and directive. Fails when none comes within <paramref name="timeout"/>.</summary>
    /// <returns>The decision, with its failure's evidence (pid, signal, exit code, uptime).</returns>
    public static HelperSupervisionDecision ExpectHelperDecision(this TestKitBase testKit, HelperFailureKind kind, HelperDirective directive,
        IActorRef? helper = null, TimeSpan? timeout = null) =>
        testKit.ExpectHelperDecisionAsync(kind, directive, helper, timeout).GetAwaiter().GetResult();

    /// <summary>The asynchronous <see cref="ExpectHelperDecision"/>.</summary>
    public static async Task<HelperSupervisionDecision> ExpectHelperDecisionAsync(this TestKitBase testKit, HelperFailureKind kind,
        HelperDirective directive, IActorRef? helper = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = testKit.Dilated(timeout ?? DefaultTimeout);
        var decision = await HelperDecisionRecorder.For(testKit.Sys).TakeNextAsync(helper, wait, cancellationToken).ConfigureAwait(false);
        var whose = helper is null ? "any helper" : helper.Path.ToString();
        if (decision is null)
        {
            Assertions(testKit).Fail("expected helper decision {0} → {1} of {2} within {3}, got none", kind, directive, whose, wait);
            throw new TimeoutException($"no helper decision within {wait}"); // Fail throws; this satisfies the compiler.
        }
        if (decision.Kind != kind || decision.Directive != directive)
            Assertions(testKit).Fail("expected helper decision {0} → {1} of {2}, got {3} → {4} (attempt {5}): {6}",
                kind, directive, whose, decision.Kind, decision.Directive, decision.Attempt, decision.Failure.Message);
        return decision;
    }

    /// <summary>Waits until <paramref name="helper"/>'s helper said hello and serves requests;
    /// returns its pid. Fails when it is not ready within <paramref name="timeout"/>.</summary>
    public static int AwaitHelperReady(this TestKitBase testKit, IActorRef helper, TimeSpan? timeout = null) =>
        testKit.AwaitHelperReadyAsync(helper, timeout).GetAwaiter().GetResult();

    /// <summary>The asynchronous <see cref="AwaitHelperReady"/>.</summary>
    public static async Task<int> AwaitHelperReadyAsync(this TestKitBase testKit, IActorRef helper, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        HelperDecisionRecorder.For(testKit.Sys);
        try
        {
            var status = await HelperReadiness.AwaitAsync(helper, testKit.Dilated(timeout ?? DefaultTimeout), cancellationToken).ConfigureAwait(false);
            return status.Pid;
        }
        catch (TimeoutException e)
        {
            Assertions(testKit).Fail("{0}", e.Message);
            throw;
        }
    }

    /// <summary>Waits until this host has no helper left: no live child process running from a
    /// <c>umh:</c> memfd and no helper cgroup named after this host (of the blob
    /// <paramref name="blobName"/> only, when given). Host-wide: tests running in parallel in the
    /// same process see each other's helpers, so disable parallel tests or pass a blob name.</summary>
    public static void ExpectNoHelperLeft(this TestKitBase testKit, TimeSpan? timeout = null, string? blobName = null) =>
        testKit.ExpectNoHelperLeftAsync(timeout, blobName).GetAwaiter().GetResult();

    /// <summary>The asynchronous <see cref="ExpectNoHelperLeft"/>.</summary>
    public static async Task ExpectNoHelperLeftAsync(this TestKitBase testKit, TimeSpan? timeout = null, string? blobName = null,
        CancellationToken cancellationToken = default)
    {
        var wait = testKit.Dilated(timeout ?? DefaultTimeout);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var left = HelperCensus.Leftovers(blobName);
            if (left.Count == 0) return;
            if (DateTime.UtcNow >= deadline)
            {
                Assertions(testKit).Fail("expected no helper left after {0}, found: {1}", wait, string.Join("; ", left));
                return;
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }
}

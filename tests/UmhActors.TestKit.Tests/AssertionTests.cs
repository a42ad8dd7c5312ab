using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Supervision;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace UmhActors.TestKit.Tests;

/// <summary>The assertions fail when what they assert is not so.</summary>
public sealed class AssertionTests(ITestOutputHelper output) : FaultSpec(output)
{
    [Fact]
    public async Task ExpectHelperDecision_fails_on_another_kind_or_directive_and_names_what_it_got()
    {
        var helper = StartHelper(HelperOptions.Default, out _);
        await this.HelperFaults(helper, Patience).CrashAsync();

        var failure = Assert.ThrowsAny<XunitException>(() => this.ExpectHelperDecision(HelperFailureKind.OomKilled, HelperDirective.Restart, helper, Patience));

        Assert.Contains("Crashed", failure.Message);
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public void ExpectHelperDecision_fails_after_its_timeout_when_nothing_is_decided()
    {
        var helper = StartHelper(HelperOptions.Default, out _);
        this.RecordHelperDecisions();

        var failure = Assert.ThrowsAny<XunitException>(() => this.ExpectHelperDecision(HelperFailureKind.Crashed, HelperDirective.Restart, helper, TimeSpan.FromMilliseconds(300)));

        Assert.Contains("got none", failure.Message);
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public void ExpectNoHelperLeft_fails_while_a_helper_process_and_its_cgroup_live()
    {
        var options = Native.Cgroups.CgroupSupport.Current.IsAvailable ? HelperOptions.Default.WithLaunch(HelperOptions.Default.Launch.WithCgroup()) : HelperOptions.Default;
        var helper = StartHelper(options, out var pid);

        var failure = Assert.ThrowsAny<XunitException>(() => this.ExpectNoHelperLeft(TimeSpan.FromMilliseconds(300)));

        Assert.Contains($"helper process {pid}", failure.Message);
        if (Native.Cgroups.CgroupSupport.Current.IsAvailable) Assert.Contains("helper cgroup", failure.Message);
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public void AwaitHelperReady_fails_for_a_helper_that_never_says_hello()
    {
        using var silent = Native.Blobs.HelperBlob.FromBytes("silent", "#!/bin/sh\nexec cat >/dev/null\n"u8);
        var helper = Sys.ActorOf(HelperActor.Props(silent, HelperOptions.Default.WithStartupTimeout(TimeSpan.FromSeconds(10))));

        var failure = Assert.ThrowsAny<XunitException>(() => this.AwaitHelperReady(helper, TimeSpan.FromMilliseconds(500)));

        Assert.Contains("not ready", failure.Message);
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task Each_helper_gets_its_own_decision_when_two_crash_at_once()
    {
        var first = StartHelper(HelperOptions.Default, out var firstPid);
        var second = StartHelper(HelperOptions.Default, out var secondPid);

        // Both faults race; the decisions arrive in either order.
        await Task.WhenAll(this.HelperFaults(first, Patience).CrashAsync(), this.HelperFaults(second, Patience).AdminKillAsync());

        var secondDecision = this.ExpectHelperDecision(HelperFailureKind.Killed, HelperDirective.Stop, second, Patience);
        var firstDecision = this.ExpectHelperDecision(HelperFailureKind.Crashed, HelperDirective.Restart, first, Patience);
        Assert.Equal((firstPid, secondPid), (firstDecision.Failure.Pid, secondDecision.Failure.Pid));
        StopAndExpectNothingLeft(first);
    }
}

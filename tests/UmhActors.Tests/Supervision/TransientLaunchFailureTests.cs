using Akka.Actor;
using Akka.Configuration;
using Microsoft.Win32.SafeHandles;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

// These tests move the host's free-fd count on purpose; other tests opening or closing many fds
// meanwhile would blur it, so they run alone.
[CollectionDefinition(nameof(TransientLaunchFailureTests), DisableParallelization = true)]
public sealed class TransientLaunchFailureCollection;

/// <summary>A launch refused for want of fds, processes or memory is retried with backoff under
/// its own intensity (<see cref="HelperFailureKind.LaunchFailedTransient"/>); a launch that can
/// never work (an exec error) still stops the actor.</summary>
[Collection(nameof(TransientLaunchFailureTests))]
public sealed class TransientLaunchFailureTests(ITestOutputHelper output) : HelperSpec(output)
{
    // Free fds left between the reserve and the host's fds when the test starts: room for what the
    // runtime and the helper open, far less than the fds the test occupies to provoke the refusal.
    private const int Margin = 400;
    private const int Occupied = 1200;

    [Fact]
    public async Task A_launch_refused_for_want_of_fds_restarts_with_backoff_and_the_helper_comes_up_once_fds_are_free()
    {
        var reserve = ReserveJustBelowTheFreeFds();
        var decisions = SubscribeDecisions();
        IActorRef helper;
        using (var occupied = OccupyFds(Occupied))
        {
            helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default
                .WithLaunch(HelperOptions.Default.Launch.WithFdReserve(reserve))));
            var first = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
            var second = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
            foreach (var decision in new[] { first, second })
            {
                Assert.Equal((HelperFailureKind.LaunchFailedTransient, HelperDirective.Restart), (decision.Kind, decision.Directive));
                var failure = Assert.IsType<HelperLaunchFailedException>(decision.Failure);
                Assert.True(failure.IsTransient);
                var refusal = Assert.IsType<LaunchFailedException>(failure.InnerException);
                Assert.Equal((LaunchFailedException.FdReserveCall, "EMFILE"), (refusal.Call, refusal.ErrorName));
            }
            Assert.Equal([1, 2], new[] { first.Attempt, second.Attempt });
            Assert.True(first.Delay > TimeSpan.Zero && second.Delay > first.Delay, $"backoff: {first.Delay} then {second.Delay}");
        }

        // The fds are free again: a later retry launches the helper, and it answers.
        await WaitReadyAsync(helper);
        Assert.Equal(7, await new HelperClient(helper).CallAsync<int[], int>("add", [3, 4]));
        await helper.GracefulStop(Patience);
    }

    [Fact]
    public void Transient_launch_failures_have_their_own_restart_intensity()
    {
        var reserve = ReserveJustBelowTheFreeFds();
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.LaunchFailedTransient, new HelperKindPolicy(HelperDirective.Restart,
            new HelperBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), 0, TimeSpan.FromMinutes(1)),
            new RestartIntensity(2, TimeSpan.FromMinutes(1))));
        var decisions = SubscribeDecisions();
        using var occupied = OccupyFds(Occupied);
        var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default
            .WithLaunch(HelperOptions.Default.Launch.WithFdReserve(reserve)).WithSupervision(policy)));
        Watch(helper);
        var seen = Enumerable.Range(0, 3).Select(_ => decisions.ExpectMsg<HelperSupervisionDecision>(Patience)).ToList();
        Assert.All(seen, d => Assert.Equal(HelperFailureKind.LaunchFailedTransient, d.Kind));
        Assert.Equal([(HelperDirective.Restart, false), (HelperDirective.Restart, false), (HelperDirective.Stop, true)],
            seen.Select(d => (d.Directive, d.IntensityExceeded)));
        ExpectTerminated(helper, Patience);
    }

    [Fact]
    public void A_blob_that_is_not_executable_is_a_permanent_LaunchFailed_and_still_stops()
    {
        using var blob = HelperBlob.FromBytes("not-executable", "neither ELF nor #!\n"u8);
        var decisions = SubscribeDecisions();
        var helper = Sys.ActorOf(HelperActor.Props(blob));
        Watch(helper);
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.LaunchFailed, HelperDirective.Stop), (decision.Kind, decision.Directive));
        var failure = Assert.IsType<HelperLaunchFailedException>(decision.Failure);
        Assert.False(failure.IsTransient);
        Assert.Equal("ENOEXEC", Assert.IsType<LaunchFailedException>(failure.InnerException).ErrorName);
        ExpectTerminated(helper, Patience);
    }

    [Fact]
    public void The_transient_kind_reads_from_its_own_HOCON_block()
    {
        var policy = HelperSupervisionPolicy.FromConfig(ConfigurationFactory.ParseString(
            "umh.supervision.launch-failed-transient { max-restarts = 4, within = 10s, when-exceeded = escalate }"));
        Assert.Equal(new RestartIntensity(4, TimeSpan.FromSeconds(10), HelperDirective.Escalate), policy.For(HelperFailureKind.LaunchFailedTransient).Intensity);
        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.LaunchFailedTransient).Directive);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.LaunchFailed).Directive);
    }

    [Theory]
    [InlineData(24, true)] // EMFILE
    [InlineData(23, true)] // ENFILE
    [InlineData(11, true)] // EAGAIN
    [InlineData(12, true)] // ENOMEM
    [InlineData(8, false)] // ENOEXEC
    [InlineData(13, false)] // EACCES
    public void The_transient_flag_travels_from_the_launch_failure_even_when_wrapped(int errno, bool transient)
    {
        var launch = new LaunchFailedException("h", "pidfd_open", errno);
        foreach (var inner in new Exception[] { launch, new InvalidOperationException("reactor registration failed", launch) })
        {
            var failure = new HelperLaunchFailedException("h", 0, null, TimeSpan.Zero, "could not be started", inner);
            Assert.Equal(transient, failure.IsTransient);
            Assert.Equal(transient ? HelperFailureKind.LaunchFailedTransient : HelperFailureKind.LaunchFailed, failure.Kind);
        }
        Assert.False(new HelperLaunchFailedException("h", 0, null, TimeSpan.Zero, "sent no $/hello in time").IsTransient);
    }

    private Akka.TestKit.TestProbe SubscribeDecisions()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(HelperSupervisionDecision));
        return probe;
    }

    /// <summary>An fd reserve that a launch still clears now, with <see cref="Margin"/> to spare,
    /// and that it no longer clears once <see cref="Occupied"/> more fds are open.</summary>
    private static int ReserveJustBelowTheFreeFds()
    {
        var open = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        var reserve = (int)(SoftFdLimit() - open - Margin);
        Assert.True(reserve > LaunchOptions.DefaultFdReserve, $"RLIMIT_NOFILE too low for this test ({SoftFdLimit()}, {open} open)");
        return reserve;
    }

    private static long SoftFdLimit()
    {
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return long.Parse(line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    /// <summary>Opens <paramref name="count"/> handles on /dev/null, real fds of this host.</summary>
    private static OccupiedFds OccupyFds(int count)
    {
        var handles = new List<SafeFileHandle>(count);
        for (var i = 0; i < count; i++) handles.Add(File.OpenHandle("/dev/null"));
        // The reserve check trusts a count younger than 100 ms; let any count taken before these
        // fds were opened grow old, so the next launch counts them.
        Thread.Sleep(150);
        return new OccupiedFds(handles);
    }

    private sealed class OccupiedFds(List<SafeFileHandle> handles) : IDisposable
    {
        public void Dispose()
        {
            foreach (var handle in handles) handle.Dispose();
        }
    }
}

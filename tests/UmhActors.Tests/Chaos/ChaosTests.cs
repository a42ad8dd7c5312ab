using UmhActors.Chaos;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Chaos;

// The run counts this host's fds, children and memfds: other tests must not move them meanwhile.
[CollectionDefinition(nameof(ChaosTests), DisableParallelization = true)]
public sealed class ChaosCollection;

/// <summary>The chaos suite's short run (the benchmark's <c>chaos</c> suite runs it for minutes):
/// 8 helpers, 64 callers, random SIGKILL, double SIGSEGV, SIGSTOP, in-band crash and exit, fd bursts.</summary>
[Collection(nameof(ChaosTests))]
public sealed class ChaosTests : HelperSpec
{
    private readonly ITestOutputHelper _output;

    public ChaosTests(ITestOutputHelper output) : base(output, "akka.log-dead-letters = off\nakka.loglevel = WARNING") => _output = output;

    [Fact]
    public async Task Under_chaos_every_request_gets_one_right_or_typed_answer_in_time_and_every_helper_serves_again_with_nothing_left()
    {
        var report = await ChaosRun.RunAsync(Sys, typeof(ChaosTests).Assembly, new ChaosSettings(TimeSpan.FromSeconds(15)), _output.WriteLine);
        _output.WriteLine($"{report.Requests} requests, {report.Correct} right, {report.TypedFailures} typed failures, {report.Restarts} restarts; " +
            $"faults: {string.Join(", ", report.Faults.Select(f => $"{f.Key} {f.Value}"))}; " +
            $"restarts by kind: {string.Join(", ", report.Timeline.SelectMany(s => s.RestartsByKind).GroupBy(k => k.Key).Select(g => $"{g.Key} {g.Sum(k => k.Value)}"))}");

        Assert.Empty(report.BrokenInvariants());
        Assert.Equal(0, report.Unanswered);
        // The chaos really happened: every kind of fault, and the restarts they cause.
        Assert.Equal(["SIGKILL", "SIGSEGV", "SIGSTOP", "exit 3", "fd burst", "in-band crash"], report.Faults.Keys.Order());
        var restartKinds = report.Timeline.SelectMany(s => s.RestartsByKind.Keys).ToHashSet();
        Assert.Superset(new HashSet<string> { "Crashed", "Hung", "Killed", "Failed", "LaunchFailedTransient" }, restartKinds);
        Assert.True(report.Correct > report.Requests / 2, $"{report.Correct} of {report.Requests} right");
    }
}

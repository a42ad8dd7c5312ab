using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Time from a helper's death (SIGKILL sent from outside, by pid) to its replacement answering
/// its first request, with zero backoff: detection (pidfd), classification, relaunch from the
/// sealed memfd, the new helper's hello, one request. The request asks for the answering helper's
/// pid, so a round counts only when the replacement answered, never the helper being killed.
/// </summary>
internal sealed class RestartSuite : IBenchmarkSuite
{
    public string Name => "restart";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        using var blob = BenchHelper.Blob();
        // An outside SIGKILL is an admin's kill (stop by default); here it must restart, at once.
        var policy = HelperSupervisionPolicy.Default
            .With(HelperFailureKind.Killed, HelperDirective.Restart)
            .WithBackoff(HelperBackoff.None)
            .WithIntensity(new RestartIntensity(1_000_000, TimeSpan.FromSeconds(1)));
        var system = ActorSystem.Create("restart", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));
        try
        {
            var helper = system.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithSupervision(policy)));
            var request = new HelperRequest("pid", new byte[] { 0x90 });
            await helper.Ask<HelperResponse>(request, TimeSpan.FromSeconds(30));

            var rounds = options.Iterations(full: 300, quick: 20);
            var samples = new List<double>(rounds);
            for (var i = 0; i < rounds + 5; i++)
            {
                var pid = (await helper.Ask<HelperStatus>(GetHelperStatus.Instance)).Pid;
                var killedAt = Stopwatch.GetTimestamp();
                Tmds.Linux.LibC.kill(pid, 9);
                // Retry until the replacement answers: requests in flight at the death fail by design.
                int answeredBy;
                while (true)
                {
                    try
                    {
                        answeredBy = (await helper.Ask<HelperResponse>(request, TimeSpan.FromSeconds(30))).GetResult<int>();
                        break;
                    }
                    catch (HelperKilledException)
                    {
                    }
                }
                var elapsed = BenchHelper.Us(killedAt);
                // The kill may not have landed before an answer came back: that round measured nothing.
                if (answeredBy == pid) throw new InvalidOperationException($"round {i}: the killed helper {pid} answered, not its replacement");
                if (i >= 5) samples.Add(elapsed);
            }
            return [BenchmarkResult.Latency("restart", samples)];
        }
        finally
        {
            await system.Terminate();
        }
    }
}

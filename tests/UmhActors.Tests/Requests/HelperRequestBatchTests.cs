using Akka.Actor;
using MessagePack;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Exit;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Requests;

/// <summary>Many requests in one message (<see cref="HelperRequestBatch"/>, one Ask): every request
/// gets its own result, in order, whatever happens to the helper.</summary>
public sealed class HelperRequestBatchTests(ITestOutputHelper output) : HelperSpec(output)
{
    private static int Sum(HelperResult result) => MessagePackSerializer.Deserialize<int>(result.GetResponse().RawResult);

    [Fact]
    public async Task A_batch_answers_every_request_in_the_order_sent()
    {
        var (helper, _) = await StartHelperAsync();
        var requests = Enumerable.Range(0, 2_000).Select(i => Call("add", i, 1_000_000)).ToArray();
        var results = await new HelperClient(helper).SendBatchAsync(requests).WaitAsync(Patience);
        Assert.Equal(requests.Length, results.Count);
        for (var i = 0; i < results.Count; i++) Assert.Equal(i + 1_000_000, Sum(results[i]));
    }

    [Fact]
    public async Task Each_failure_stays_with_its_own_request()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(maxInFlight: 4, maxQueued: 1));
        var requests = new[]
        {
            Call("add", 1, 2),
            Call("no_such_method"),
            new HelperRequest("$/shutdown", new byte[] { 0x90 }),
            Call("sleep", TimeSpan.FromMilliseconds(200), 10_000),
            Call("add", 3, 4),
            Call("add", 5, 6),
            Call("add", 7, 8), // 4 slots and the 1 queue place are taken (the invalid request took none): overloaded
        };
        var results = await new HelperClient(helper).SendBatchAsync(requests).WaitAsync(Patience);
        Assert.Equal(3, Sum(results[0]));
        Assert.Equal(-32601, Assert.IsType<HelperErrorException>(results[1].Failure).Error.Code);
        Assert.IsType<InvalidHelperRequestException>(results[2].Failure);
        Assert.True(Assert.IsType<HelperTimeoutException>(results[3].Failure).WasSent);
        Assert.Equal(7, Sum(results[4]));
        Assert.Equal(11, Sum(results[5]));
        Assert.IsType<HelperOverloadedException>(results[6].Failure);
        Assert.Throws<HelperOverloadedException>(() => results[6].GetResponse());
    }

    [Fact]
    public async Task A_helper_dying_mid_batch_fails_every_request_it_had_with_the_crash()
    {
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithRequestTimeout(TimeSpan.FromSeconds(60)));
        var requests = Enumerable.Range(0, 20).Select(_ => Call("sleep", 20_000)).Append(Call("crash")).ToArray();
        var results = await new HelperClient(helper).SendBatchAsync(requests).WaitAsync(Patience);
        Assert.All(results, result =>
        {
            var crash = Assert.IsType<HelperCrashedException>(result.Failure);
            Assert.Equal(SignalNames.SIGSEGV, crash.Signal);
            Assert.Equal(pid, crash.Pid);
        });
    }

    [Fact]
    public async Task Cancelling_a_batch_cancels_its_unanswered_requests_at_the_helper()
    {
        var (helper, _) = await StartHelperAsync();
        using var cancel = new CancellationTokenSource();
        var batch = new HelperClient(helper).SendBatchAsync(Enumerable.Range(0, 5).Select(_ => Call("sleep", 20_000)).ToArray(), cancel.Token);
        await AwaitAssertAsync(async () => Assert.Equal(5, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight), Patience);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch.WaitAsync(Patience));
        // The slots are free at once, not at the requests' timeouts.
        await AwaitAssertAsync(async () => Assert.Equal(0, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight), Patience);
    }

    [Fact]
    public async Task An_empty_batch_is_answered_at_once()
    {
        var (helper, _) = await StartHelperAsync();
        var response = await helper.Ask<HelperBatchResponse>(new HelperRequestBatch([]), Patience);
        Assert.Empty(response.Results);
        Assert.Empty(await new HelperClient(helper).SendBatchAsync([]));
    }

    [Fact]
    public async Task Batches_from_many_callers_all_end_while_the_helper_is_killed_and_restarted()
    {
        var options = HelperOptions.Default.WithBounds(maxInFlight: 64, maxQueued: 100_000).WithRequestTimeout(TimeSpan.FromSeconds(10))
            .WithSupervision(HelperSupervisionPolicy.Default.WithBackoff(HelperBackoff.None).WithIntensity(new RestartIntensity(1_000, TimeSpan.FromMinutes(1))));
        var (helper, _) = await StartHelperAsync(options);
        var client = new HelperClient(helper);
        // The callers run as long as the killer does: at least 4 s and 3 crashes, however slow the machine (up to 15 s).
        using var stop = new CancellationTokenSource();

        // Crashes the current helper again and again (through a request: an admin's SIGKILL would
        // count as Killed, which the policy stops on); each crash restarts it at once.
        var killer = Task.Run(async () =>
        {
            var kills = 0;
            var running = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                while ((running.Elapsed < TimeSpan.FromSeconds(4) || kills < 3) && running.Elapsed < TimeSpan.FromSeconds(15))
                {
                    await Task.Delay(150);
                    try
                    {
                        await client.SendAsync(Call("crash"));
                    }
                    catch (HelperCrashedException)
                    {
                        kills++;
                    }
                }
            }
            finally
            {
                stop.Cancel();
            }
            return kills;
        });
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var (answered, failed) = (0, 0);
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                var requests = Enumerable.Range(0, 50).Select(i => Call("add", c * 1_000_000 + round, i)).ToArray();
                var results = await client.SendBatchAsync(requests).WaitAsync(Patience);
                Assert.Equal(requests.Length, results.Count);
                for (var i = 0; i < results.Count; i++)
                {
                    if (results[i].IsSuccess)
                    {
                        Assert.Equal(c * 1_000_000 + round + i, Sum(results[i]));
                        answered++;
                    }
                    else
                    {
                        // The only failure a request may get here is its helper's death.
                        Assert.IsType<HelperCrashedException>(results[i].Failure);
                        failed++;
                    }
                }
            }
            return (answered, failed);
        })).ToArray();
        var outcomes = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(15) + Patience + Patience);
        var kills = await killer.WaitAsync(Patience);
        Output.WriteLine($"kills {kills}, answered {outcomes.Sum(o => o.answered)}, failed {outcomes.Sum(o => o.failed)}");
        Assert.True(kills >= 3, $"only {kills} kills");
        Assert.True(outcomes.Sum(o => o.answered) > 0);
        Assert.Equal(0, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight);
    }
}

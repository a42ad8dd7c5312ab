using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Supervision;
using UmhActors.TestKit;
using Xunit.Abstractions;

namespace ResilienceTests;

/// <summary>What the word-count service does when its helper segfaults, is OOM-killed, is killed by
/// an admin, hangs, writes garbage or is frozen. Each fault happens for real to the real helper.</summary>
public sealed class WordCountServiceUnderFaults(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly HelperBlob WordCounter = HelperBlob.FromEmbeddedHelper(typeof(WordCountServiceUnderFaults).Assembly, "wordcount");

    // Test mode lets the TestKit make the helper hang, garble or allocate; the watchdog spots hangs.
    private static readonly HelperOptions Options = HelperOptions.Default
        .WithWatchdog(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500))
        .WithLaunch(LaunchOptions.Default.WithMemoryLimit(64L * 1024 * 1024, ignoreIfUnavailable: true))
        .WithTestFaults();


    private (IActorRef Helper, IActorRef Service, HelperFaults Faults) Start(TimeSpan? requestTimeout = null)
    {
        var helper = Sys.ActorOf(HelperActor.Props(WordCounter, Options));
        this.AwaitHelperReady(helper, Patience);
        var service = Sys.ActorOf(WordCountService.Props(helper, requestTimeout ?? TimeSpan.FromSeconds(5)));
        return (helper, service, this.HelperFaults(helper, Patience));
    }

    private void StopAll(IActorRef helper, IActorRef service)
    {
        Sys.Stop(service);
        Sys.Stop(helper);
        this.ExpectNoHelperLeft(Patience);
    }

    [Fact]
    public void Counts_words_through_its_helper()
    {
        var (helper, service, _) = Start();
        service.Tell(new CountWords("the quick brown fox"));
        ExpectMsg(new WordCount(4), Patience);
        StopAll(helper, service);
    }

    [Fact]
    public async Task After_a_segfault_the_helper_is_restarted_and_the_service_answers_again()
    {
        var (helper, service, faults) = Start();

        await faults.CrashAsync();

        this.ExpectHelperDecision(HelperFailureKind.Crashed, HelperDirective.Restart, helper, Patience);
        service.Tell(new CountWords("still counting"));
        ExpectMsg(new WordCount(2), Patience);
        StopAll(helper, service);
    }

    [OomKillFact]
    public async Task After_an_OOM_kill_the_helper_is_restarted_and_the_service_answers_again()
    {
        var (helper, service, faults) = Start();

        await faults.OomKillAsync();

        this.ExpectHelperDecision(HelperFailureKind.OomKilled, HelperDirective.Restart, helper, Patience);
        service.Tell(new CountWords("memory is back"));
        ExpectMsg(new WordCount(3), Patience);
        StopAll(helper, service);
    }

    [Fact]
    public async Task After_an_admin_kill_the_helper_stays_down_and_the_service_says_so_at_once()
    {
        var (helper, service, faults) = Start();
        Watch(helper);

        await faults.AdminKillAsync();

        this.ExpectHelperDecision(HelperFailureKind.Killed, HelperDirective.Stop, helper, Patience);
        ExpectTerminated(helper, Patience);
        // The service saw the same Terminated; a request now is answered without waiting for any timeout.
        AwaitAssert(() =>
        {
            service.Tell(new CountWords("anyone there"));
            ExpectMsg<CountFailed>(TimeSpan.FromSeconds(1));
        }, Patience);
        StopAll(helper, service);
    }

    [Fact]
    public async Task A_request_caught_in_a_hang_is_retried_on_the_restarted_helper()
    {
        var (helper, service, faults) = Start();

        await faults.HangAsync();
        service.Tell(new CountWords("patience pays off"));

        this.ExpectHelperDecision(HelperFailureKind.Hung, HelperDirective.Restart, helper, Patience);
        ExpectMsg(new WordCount(3), Patience);
        StopAll(helper, service);
    }

    [Fact]
    public async Task Protocol_garbage_costs_a_restart_not_an_answer()
    {
        var (helper, service, faults) = Start();

        await faults.GarbleAsync();

        this.ExpectHelperDecision(HelperFailureKind.ProtocolViolation, HelperDirective.Restart, helper, Patience);
        service.Tell(new CountWords("clean bytes again"));
        ExpectMsg(new WordCount(3), Patience);
        StopAll(helper, service);
    }

    [Fact]
    public async Task A_request_sent_while_the_helper_is_frozen_is_answered_after_the_thaw()
    {
        var (helper, service, faults) = Start(requestTimeout: Patience);

        await faults.FreezeAsync();
        // Frozen: the request waits inside the helper, not lost (the next test shows it gets no answer meanwhile).
        service.Tell(new CountWords("frozen in time"));
        await faults.ThawAsync();

        ExpectMsg(new WordCount(3), Patience);
        StopAll(helper, service);
    }

    [Fact]
    public async Task A_frozen_helper_makes_requests_time_out_rather_than_hang()
    {
        var (helper, service, faults) = Start(requestTimeout: TimeSpan.FromMilliseconds(500));

        await faults.FreezeAsync();
        service.Tell(new CountWords("too late"));

        ExpectMsg<CountFailed>(Patience);
        await faults.ThawAsync();
        StopAll(helper, service);
    }
}

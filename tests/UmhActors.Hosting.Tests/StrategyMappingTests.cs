using Akka.Actor;
using Akka.Hosting;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Hosting.Tests.Support;
using UmhActors.Supervision;

namespace UmhActors.Hosting.Tests;

/// <summary><see cref="HelperSupervisorStrategy"/> on a user's own parent actor, registered through
/// Akka.Hosting: a helper actor that escalates everything throws its real helper's SIGSEGV to the parent,
/// whose strategy gives the directive its table has for a crash.</summary>
public sealed class StrategyMappingTests(ITestOutputHelper output) : HelperTestKit(output)
{
    private sealed class Restarting;

    private sealed class Stopping;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithActors((system, registry) =>
        {
            registry.Register<Restarting>(system.ActorOf(Parent.Props(HelperSupervisorStrategy.From(HelperSupervisionPolicy.Default)), "restarting"));
            registry.Register<Stopping>(system.ActorOf(Parent.Props(HelperSupervisorStrategy.From(
                HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed, HelperDirective.Stop))), "stopping"));
        });

    [Fact]
    public async Task Crash_under_the_default_table_restarts_the_child_with_a_new_helper()
    {
        var child = await ChildAsync<Restarting>();
        var pid = await ReadyPidAsync(child);

        await Assert.ThrowsAnyAsync<HelperFailureException>(() => new HelperClient(child, Patience).CallAsync<int[], int>("crash", []).WaitAsync(Patience));

        // Same actor, new helper: Akka restarted the child.
        await AwaitAssertAsync(async () =>
        {
            var status = await child.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
            Assert.True(status.Ready);
            Assert.NotEqual(pid, status.Pid);
        }, Patience);
    }

    [Fact]
    public async Task Crash_under_a_table_that_stops_on_crashes_stops_the_child()
    {
        var child = await ChildAsync<Stopping>();
        await ReadyPidAsync(child);
        Watch(child);

        await Assert.ThrowsAnyAsync<HelperFailureException>(() => new HelperClient(child, Patience).CallAsync<int[], int>("crash", []).WaitAsync(Patience));

        await ExpectTerminatedAsync(child, Patience);
    }

    private async Task<IActorRef> ChildAsync<TParent>()
    {
        var parent = await ActorRegistry.GetAsync<TParent>();
        return await parent.Ask<IActorRef>(Parent.GetChild.Instance, Patience);
    }

    /// <summary>A user's parent actor supervising a helper actor with a <see cref="HelperSupervisorStrategy"/>.</summary>
    private sealed class Parent : ReceiveActor
    {
        private readonly SupervisorStrategy _strategy;
        private readonly IActorRef _child;

        public Parent(SupervisorStrategy strategy)
        {
            _strategy = strategy;
            _child = Context.ActorOf(HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll)), "helper");
            Receive<GetChild>(_ => Sender.Tell(_child));
        }

        public static Props Props(SupervisorStrategy strategy) => Akka.Actor.Props.Create(() => new Parent(strategy));

        protected override SupervisorStrategy SupervisorStrategy() => _strategy;

        public sealed class GetChild
        {
            public static readonly GetChild Instance = new();
        }
    }
}

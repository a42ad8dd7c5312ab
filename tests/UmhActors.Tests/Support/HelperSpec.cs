using Akka.Actor;
using Akka.Configuration;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Requests;
using Xunit.Abstractions;

namespace UmhActors.Tests.Support;

/// <summary>Base for tests that run real helpers under a real ActorSystem.</summary>
public abstract class HelperSpec(ITestOutputHelper output, string? extraConfig = null)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString((extraConfig ?? "") + "\n" + BaseConfig), output: output)
{
    private const string BaseConfig = """
        akka.loglevel = INFO
        akka.actor.debug.unhandled = off
        """;

    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Starts a helper actor and waits until its helper said hello; returns it and its pid.</summary>
    protected async Task<(IActorRef Actor, int Pid)> StartHelperAsync(HelperOptions? options = null, string? name = null)
    {
        var actor = name is null ? Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, options)) : Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, options), name);
        var pid = await WaitReadyAsync(actor);
        return (actor, pid);
    }

    protected static async Task<int> WaitReadyAsync(IActorRef actor)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var status = await actor.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
            if (status.Ready) return status.Pid;
            await Task.Delay(20);
        }
        throw new TimeoutException("the helper never became ready");
    }

    /// <summary>A request with positional params.</summary>
    protected static HelperRequest Call(string method, params object[] args) =>
        new(method, MessagePackSerializer.Serialize(args, MessagePack.Resolvers.ContractlessStandardResolver.Options));

    protected static HelperRequest Call(string method, TimeSpan timeout, params object[] args) =>
        Call(method, args) with { Timeout = timeout };
}

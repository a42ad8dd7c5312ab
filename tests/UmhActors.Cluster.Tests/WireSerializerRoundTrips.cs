using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Cluster.Serialization;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Protocol.Control;
using UmhActors.Requests;

namespace UmhActors.Cluster.Tests;

public sealed class WireSerializerRoundTrips
{
    private static readonly ExitStatus Segv = new(4242, null, 11, true, TimeSpan.FromMilliseconds(1234)) { OomKillCount = 0 };
    private static readonly ExitStatus Oom = new(4243, null, 9, false, TimeSpan.FromSeconds(3)) { OomKillCount = 2 };
    private static readonly ExitStatus Code3 = new(4244, 3, null, false, TimeSpan.FromSeconds(1));

    public static TheoryData<string, object> Messages() => new()
    {
        { "request", new HelperRequest("echo", new byte[] { 0x92, 0x01, 0xa1, 0x61 }, TimeSpan.FromSeconds(7)) { RoutingKey = "tenant-9" } },
        { "request without timeout", HelperRequest.WithoutParams("pid") },
        { "response", new HelperResponse(new byte[] { 0xcd, 0x01, 0x00 }) },
        { "sharded request", new ShardedHelperRequest("entity-7", new HelperRequest("add", new byte[] { 0x92, 0x01, 0x02 }, TimeSpan.FromMilliseconds(250))) },
        { "crashed", Failure(new HelperCrashedException("testhelper", 4242, Segv, Segv.Uptime, "killed by SIGSEGV (11), core dumped")) },
        { "oom killed", Failure(new HelperOomKilledException("testhelper", 4243, Oom, Oom.Uptime, "killed by the OOM killer")) },
        { "failed", Failure(new HelperFailedException("testhelper", 4244, Code3, Code3.Uptime, "exited with code 3")) },
        { "exited", Failure(new HelperExitedException("testhelper", 4245, new ExitStatus(4245, 0, null, false, TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(2), "exited with code 0")) },
        { "killed", Failure(new HelperKilledException("testhelper", 4246, new ExitStatus(4246, null, 15, false, TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(2), "killed by SIGTERM (15)")) },
        { "hung", Failure(new HelperHungException("testhelper", 4247, null, TimeSpan.FromSeconds(9), "did not answer $/ping within 3000 ms", new TimeoutException("ping"))) },
        { "protocol violation", Failure(new HelperProtocolViolationException("testhelper", 4248, null, TimeSpan.FromSeconds(1), "sent garbage", new InvalidDataException("bad frame"))) },
        { "launch failed", Failure(new HelperLaunchFailedException("testhelper", 0, null, TimeSpan.Zero, "could not be launched", new LaunchFailedException("testhelper", "posix_spawn", 8))) },
        { "launch failed transiently", Failure(new HelperLaunchFailedException("testhelper", 0, null, TimeSpan.Zero, "could not be launched", new LaunchFailedException("testhelper", "posix_spawn", 24))) },
        { "helper error", Failure(new HelperErrorException("testhelper", "fail", new RpcError(-32000, "no such thing"))) },
        { "timeout", Failure(new HelperTimeoutException("testhelper", "sleep", TimeSpan.FromMilliseconds(1500), wasSent: true)) },
        { "overloaded", Failure(new HelperOverloadedException("testhelper", 1024, 10_000)) },
        { "stopped", Failure(new HelperStoppedException("testhelper")) },
        { "undelivered", Failure(new HelperRequestUndeliveredException("echo", "akka://umh-cluster/deadLetters", "Avoiding reordering of buffered messages at shard handoff")) },
        { "invalid request", Failure(new InvalidHelperRequestException("testhelper", "$/x", HelperRequestProblem.ReservedMethod, "methods starting with $/ are reserved")) },
        { "too large", Failure(new HelperRequestTooLargeException("testhelper", "echo", 20_000_000, 16_777_216)) },
        { "launches disabled", Failure(new LaunchesDisabledException()) },
        { "permit timeout", Failure(new LaunchPermitTimeoutException(TimeSpan.FromSeconds(30), tryOnly: false)) },
        { "cancelled", Failure(new OperationCanceledException("request echo was cancelled")) },
        { "bare crash", new HelperCrashedException("testhelper", 4242, Segv, Segv.Uptime, "killed by SIGSEGV (11), core dumped") },
        { "bare stopped", new HelperStoppedException("testhelper") },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Every_message_that_crosses_nodes_round_trips_through_the_configured_serializer(string what, object message)
    {
        var host = ClusterTestNode.Build(TestCluster.Blob, ["helpers"]);
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var serializer = system.Serialization.FindSerializerFor(message);
            Assert.IsType<UmhMessageSerializer>(serializer);

            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
            var back = system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

            AssertSame(message, back, what);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task A_failure_the_serializer_does_not_know_still_crosses_through_akka_misc()
    {
        var host = ClusterTestNode.Build(TestCluster.Blob, ["helpers"]);
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var failure = new Status.Failure(new InvalidOperationException("not ours"));
            var serializer = system.Serialization.FindSerializerFor(failure);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, failure);

            var back = Assert.IsType<Status.Failure>(system.Serialization.Deserialize(serializer.ToBinary(failure), serializer.Identifier, manifest));

            Assert.StartsWith(UmhMessageSerializer.DelegatedPrefix, manifest);
            Assert.Equal("not ours", Assert.IsType<InvalidOperationException>(back.Cause).Message);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    // Not a row of the theory above: its requester is an actor of the running system.
    [Fact]
    public async Task A_sharded_cancel_round_trips_with_a_requester_equal_to_the_original()
    {
        var host = ClusterTestNode.Build(TestCluster.Blob, ["helpers"]);
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var requester = system.ActorOf(Props.Empty, "requester");
            var cancel = new ShardedHelperCancel("entity-7", requester);
            var serializer = system.Serialization.FindSerializerFor(cancel);
            Assert.IsType<UmhMessageSerializer>(serializer);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, cancel);

            var back = Assert.IsType<ShardedHelperCancel>(system.Serialization.Deserialize(serializer.ToBinary(cancel), serializer.Identifier, manifest));

            Assert.Equal("entity-7", back.EntityId);
            Assert.Equal(requester, back.Requester);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static Status.Failure Failure(Exception e) => new(e);

    private static void AssertSame(object expected, object actual, string what)
    {
        switch (expected)
        {
            case HelperRequest request:
                var r = Assert.IsType<HelperRequest>(actual);
                AssertRequest(request, r);
                break;
            case HelperResponse response:
                Assert.Equal(response.RawResult.ToArray(), Assert.IsType<HelperResponse>(actual).RawResult.ToArray());
                break;
            case ShardedHelperRequest sharded:
                var s = Assert.IsType<ShardedHelperRequest>(actual);
                Assert.Equal(sharded.EntityId, s.EntityId);
                AssertRequest(sharded.Request, s.Request);
                break;
            case Status.Failure failure:
                AssertException(failure.Cause, Assert.IsType<Status.Failure>(actual).Cause, what);
                break;
            case Exception e:
                AssertException(e, Assert.IsAssignableFrom<Exception>(actual), what);
                break;
            default:
                Assert.Fail($"no comparison for {expected.GetType()}");
                break;
        }
    }

    private static void AssertRequest(HelperRequest expected, HelperRequest actual)
    {
        Assert.Equal(expected.Method, actual.Method);
        Assert.Equal(expected.RawParams.ToArray(), actual.RawParams.ToArray());
        Assert.Equal(expected.Timeout, actual.Timeout);
        Assert.Equal(expected.RoutingKey, actual.RoutingKey);
    }

    // Every public property of the exception (its fields: kind, pid, exit status, evidence, …) and
    // its message; the inner exception by type name and message.
    private static void AssertException(Exception expected, Exception actual, string what)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        foreach (var property in expected.GetType().GetProperties())
        {
            if (property.DeclaringType == typeof(Exception) || property.GetIndexParameters().Length > 0) continue;
            Assert.True(Equals(property.GetValue(expected), property.GetValue(actual)),
                $"{what}: {property.Name} was {property.GetValue(expected)}, came back {property.GetValue(actual)}");
        }
        if (expected.InnerException is { } inner)
        {
            Assert.NotNull(actual.InnerException);
            var cause = actual.InnerException!;
            if (cause is RemoteCauseException remote)
            {
                Assert.Equal(inner.GetType().FullName, remote.TypeName);
                Assert.Equal(inner.Message, remote.OriginalMessage);
            }
            else
            {
                Assert.Equal(inner.GetType(), cause.GetType());
                Assert.Equal(inner.Message, cause.Message);
            }
        }
    }
}

using Akka.Hosting;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A helper pool takes a <see cref="Requests.HelperRequestBatch"/> like a request: the whole
/// batch goes to one of its helpers, which answers the caller directly.</summary>
public sealed class HelperPoolBatchTests : HostingSpec
{
    private sealed class Pool;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelperPool<Pool>("batched", TestHelperBlob.Instance, 2);

    private static HelperRequest Call(string method, params object[] args) =>
        new(method, MessagePackSerializer.Serialize(args, MessagePack.Resolvers.ContractlessStandardResolver.Options));

    [Fact]
    public async Task A_batch_sent_to_a_pool_is_answered_by_one_of_its_helpers()
    {
        var pool = ActorRegistry.For(Sys).Get<Pool>();
        await HelperPoolProbe.ReadyPidsAsync(pool, 2);
        var client = new HelperClient(pool);
        for (var round = 0; round < 2; round++)
        {
            var results = await client.SendBatchAsync(Enumerable.Range(0, 100).Select(i => Call("add", i, round)).ToArray()).WaitAsync(Patience);
            for (var i = 0; i < results.Count; i++) Assert.Equal(i + round, MessagePackSerializer.Deserialize<int>(results[i].GetResponse().RawResult));
            // One helper served the whole batch: every pid in it is the same.
            var pids = await client.SendBatchAsync(Enumerable.Range(0, 10).Select(_ => Call("pid")).ToArray()).WaitAsync(Patience);
            Assert.Single(pids.Select(p => MessagePackSerializer.Deserialize<int>(p.GetResponse().RawResult)).Distinct());
        }
    }
}

using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>A request the helper's runtime would reject as a protocol violation (and die, failing
/// every other request in flight) is rejected in the host, alone, with a typed error.</summary>
public sealed class RequestValidationTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_collection_beyond_the_helpers_limit_is_rejected_alone()
    {
        var (helper, pid) = await StartHelperAsync();
        var client = new HelperClient(helper);
        var bystander = client.CallAsync<int[], int>("sleep", [300]);
        var tooMany = new byte[DecoderLimits.Default.MaxCollectionLength + 1];
        // An array of that many nils: [dd len32] then 0xc0 each.
        var rawParams = new byte[5 + tooMany.Length];
        rawParams[0] = 0xdd;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(rawParams.AsSpan(1), (uint)tooMany.Length);
        rawParams.AsSpan(5).Fill(0xc0);

        var error = await Assert.ThrowsAsync<InvalidHelperRequestException>(() => client.SendAsync(new HelperRequest("echo", rawParams)));

        Assert.Equal(HelperRequestProblem.CollectionTooLong, error.Problem);
        Assert.Equal(300, await bystander.WaitAsync(Patience));
        await AssertSameHelperAsync(helper, pid);
    }

    [Fact]
    public async Task Nesting_beyond_the_helpers_depth_is_rejected_alone_and_the_deepest_allowed_is_served()
    {
        var (helper, pid) = await StartHelperAsync();
        var client = new HelperClient(helper);
        // The frame array is depth 1, so params may open MaxDepth - 1 levels.
        var deepest = Nested(DecoderLimits.Default.MaxDepth - 1);
        var echoed = await client.SendAsync(new HelperRequest("echo", deepest)).WaitAsync(Patience);
        Assert.Equal(deepest, echoed.RawResult.ToArray());

        var bystander = client.CallAsync<int[], int>("sleep", [300]);
        var error = await Assert.ThrowsAsync<InvalidHelperRequestException>(() =>
            client.SendAsync(new HelperRequest("echo", Nested(DecoderLimits.Default.MaxDepth))));
        Assert.Equal(HelperRequestProblem.NestingTooDeep, error.Problem);
        Assert.Equal(300, await bystander.WaitAsync(Patience));
        await AssertSameHelperAsync(helper, pid);
    }

    [Fact]
    public async Task A_method_name_beyond_the_helpers_limit_is_rejected_alone()
    {
        var (helper, pid) = await StartHelperAsync();
        var client = new HelperClient(helper);
        var bystander = client.CallAsync<int[], int>("sleep", [300]);
        var error = await Assert.ThrowsAsync<InvalidHelperRequestException>(() =>
            client.SendAsync(HelperRequest.WithoutParams(new string('m', DecoderLimits.Default.MaxMethodNameLength + 1))));
        Assert.Equal(HelperRequestProblem.MethodTooLong, error.Problem);
        Assert.Equal(300, await bystander.WaitAsync(Patience));
        await AssertSameHelperAsync(helper, pid);
    }

    [Fact]
    public async Task A_null_method_is_rejected_without_restarting_the_actor()
    {
        var (helper, pid) = await StartHelperAsync();
        var client = new HelperClient(helper);
        var bystander = client.CallAsync<int[], int>("sleep", [300]);
        var error = await Assert.ThrowsAsync<InvalidHelperRequestException>(() =>
            client.SendAsync(new HelperRequest(null!, new byte[] { 0x90 })).WaitAsync(Patience));
        Assert.Equal(HelperRequestProblem.MissingMethod, error.Problem);
        Assert.Equal(300, await bystander.WaitAsync(Patience));
        await AssertSameHelperAsync(helper, pid);
    }

    [Theory]
    [InlineData(new byte[0])]               // no value at all
    [InlineData(new byte[] { 0x92, 0x01 })] // an array missing its second element
    [InlineData(new byte[] { 0x90, 0x90 })] // two values
    [InlineData(new byte[] { 0xc1 })]       // never used in MessagePack
    public async Task Params_that_are_not_one_MessagePack_value_are_rejected_alone(byte[] rawParams)
    {
        var (helper, pid) = await StartHelperAsync();
        var client = new HelperClient(helper);
        var bystander = client.CallAsync<int[], int>("sleep", [300]);
        var error = await Assert.ThrowsAsync<InvalidHelperRequestException>(() => client.SendAsync(new HelperRequest("echo", rawParams)));
        Assert.Equal(HelperRequestProblem.MalformedParams, error.Problem);
        Assert.Equal(300, await bystander.WaitAsync(Patience));
        Assert.Equal(7, await client.CallAsync<int[], int>("add", [3, 4]).WaitAsync(Patience));
        await AssertSameHelperAsync(helper, pid);
    }

    [Fact]
    public async Task A_reserved_method_is_rejected_as_an_invalid_request()
    {
        var (helper, _) = await StartHelperAsync();
        var error = await Assert.ThrowsAsync<InvalidHelperRequestException>(() =>
            new HelperClient(helper).SendAsync(HelperRequest.WithoutParams("$/shutdown")));
        Assert.Equal(HelperRequestProblem.ReservedMethod, error.Problem);
    }

    private static byte[] Nested(int levels)
    {
        // [[[ … [1] … ]]]: each level a one-element array.
        var bytes = new byte[levels + 1];
        bytes.AsSpan(0, levels).Fill(0x91);
        bytes[levels] = 0x01;
        return bytes;
    }

    private static async Task AssertSameHelperAsync(IActorRef helper, int pid)
    {
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
        Assert.Equal(pid, status.Pid);
        Assert.True(status.Ready);
    }
}

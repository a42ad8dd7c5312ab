using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>The helper's output is bounded (producers wait past 8 MiB unwritten), and waiting for
/// room must never wait for a write nobody will start.</summary>
public sealed class OutputBackpressureTests
{
    [Fact]
    public async Task Answers_of_one_read_past_the_high_water_mark_still_go_out()
    {
        await using var helper = Helpers.StartCSharp();
        var payload = new byte[9 * 1024 * 1024];
        Random.Shared.NextBytes(payload);
        uint echoId = helper.NextId(), addId = helper.NextId();
        var echo = helper.ExpectResponse(echoId);
        var add = helper.ExpectResponse(addId);
        var pongs = Task.Run(async () =>
        {
            var tokens = new List<ulong>();
            for (var i = 0; i < 3; i++) tokens.Add(ControlFrames.ReadToken(await helper.NextNotificationAsync(ControlMethods.Pong)));
            return tokens;
        });
        // One write: the inline echo's 9 MiB answer and the pongs after it are produced by the
        // reader within one read, before it writes anything itself.
        await helper.SendAsync(o =>
        {
            FrameWriter.WriteRequest(o, echoId, "echo", Pack.Array(payload));
            for (var token = 1ul; token <= 3; token++) ControlFrames.WritePing(o, token);
        });

        Assert.Equal(payload, Pack.Read<byte[][]>((await echo).Result)[0]);
        Assert.Equal([1ul, 2ul, 3ul], await pongs.WaitAsync(HelperConnection.Timeout));
        // And the helper keeps serving afterwards.
        await helper.SendAsync(o => FrameWriter.WriteRequest(o, addId, "add", Pack.Array(2, 3)));
        Assert.Equal(Pack.Json(Pack.Value(5)), Pack.Json((await add).Result));
    }
}

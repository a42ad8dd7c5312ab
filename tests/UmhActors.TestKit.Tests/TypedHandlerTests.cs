using UmhActors.Helpers;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Runtime;
using UmhActors.Requests;
using UmhActors.TestHelper.Contracts;
using Xunit.Abstractions;

namespace UmhActors.TestKit.Tests;

/// <summary>Typed handlers of the helper runtime and the typed host client, through the real
/// NativeAOT test helper: user types with hand-written formatters, arrays, maps, async handlers.</summary>
public sealed class TypedHandlerTests(ITestOutputHelper output) : FaultSpec(output)
{
    private static readonly Thumbnail Photo = new("cat.png", 1024, 768, ["cat", "sofa"], new() { ["png"] = 123_456, ["webp"] = 65_432 });

    [Fact]
    public async Task A_typed_record_round_trips_through_the_NativeAOT_helper()
    {
        var helper = StartHelper(HelperOptions.Default, out _);
        var client = new HelperClient(helper).WithFormatters(new ThumbnailFormatter());

        var thumb = await client.CallAsync<Thumbnail, Thumbnail>("thumbnail", Photo);

        Assert.Equal(("cat.png.thumb", 256, 192), (thumb.Name, thumb.Width, thumb.Height));
        Assert.Equal(["cat", "sofa", "thumb"], thumb.Tags);
        Assert.Equal(Photo.Sizes, thumb.Sizes);
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task Arrays_of_user_types_maps_and_async_handlers_are_typed_too()
    {
        var helper = StartHelper(HelperOptions.Default, out _);
        var client = new HelperClient(helper).WithFormatters(new ThumbnailFormatter());

        Assert.Equal(3, await client.CallAsync<Thumbnail[], int>("thumbnail_count", [Photo, Photo, Photo]));
        var values = await client.CallAsync<Dictionary<string, int>, int[]>("map_values", new() { ["c"] = 3, ["a"] = 1, ["b"] = 2 });
        Assert.Equal([1, 2, 3], values);
        Assert.Equal("LOUD", await client.CallAsync<string, string>("typed_upper", "loud"));
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task Params_of_another_shape_fail_with_InvalidParams_and_the_helper_serves_on()
    {
        var helper = StartHelper(HelperOptions.Default, out var pid);
        var client = new HelperClient(helper);

        var error = await Assert.ThrowsAsync<HelperErrorException>(() => client.CallAsync<int[], string>("thumbnail", [1, 2, 3]));

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Error.Code);
        Assert.Contains("Thumbnail", error.Error.Message);
        Assert.Equal("still here", await EchoAsync(helper));
        Assert.Equal(pid, this.AwaitHelperReady(helper, Patience));
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public void Building_a_runtime_whose_typed_handler_has_no_formatter_fails_naming_the_type()
    {
        var builder = HelperRuntime.CreateBuilder("typed").Handle<Unregistered, int>("m", _ => 1);

        var failure = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Contains(typeof(Unregistered).FullName!, failure.Message);
        Assert.Contains("WithFormatter", failure.Message);
    }

    public sealed record Unregistered(int Value);
}

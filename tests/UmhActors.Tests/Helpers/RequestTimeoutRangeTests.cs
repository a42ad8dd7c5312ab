using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>Per-request timeouts at the edges of <see cref="TimeSpan"/>: infinite means none, huge
/// values are capped instead of overflowing the deadline, non-positive ones are rejected.</summary>
public sealed class RequestTimeoutRangeTests(ITestOutputHelper output) : HelperSpec(output)
{
    public static TheoryData<string> HugeTimeouts => ["max", "200000days", "infinite"];

    [Theory]
    [MemberData(nameof(HugeTimeouts))]
    public async Task A_huge_or_infinite_timeout_lets_the_request_finish(string which)
    {
        var (helper, _) = await StartHelperAsync();
        var timeout = Parse(which);
        var response = await new HelperClient(helper).SendAsync(Call("sleep", timeout, 400)).WaitAsync(Patience);
        Assert.Equal(400, MessagePack.MessagePackSerializer.Deserialize<int>(response.RawResult));
    }

    [Theory]
    [MemberData(nameof(HugeTimeouts))]
    public async Task A_huge_or_infinite_default_timeout_lets_the_request_finish(string which)
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default with { RequestTimeout = Parse(which) });
        Assert.Equal(400, await new HelperClient(helper).CallAsync<int[], int>("sleep", [400]).WaitAsync(Patience));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task A_timeout_neither_positive_nor_infinite_is_rejected(int milliseconds)
    {
        var (helper, _) = await StartHelperAsync();
        var error = await Assert.ThrowsAsync<InvalidHelperRequestException>(() =>
            new HelperClient(helper).SendAsync(Call("add", TimeSpan.FromMilliseconds(milliseconds), 1, 2)).WaitAsync(Patience));
        Assert.Equal(HelperRequestProblem.InvalidTimeout, error.Problem);
    }

    [Fact]
    public void Options_accept_an_infinite_request_timeout_and_cap_huge_ones()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, HelperOptions.Default.WithRequestTimeout(Timeout.InfiniteTimeSpan).RequestTimeout);
        Assert.Equal(HelperOptions.MaxRequestTimeout, HelperOptions.Default.WithRequestTimeout(TimeSpan.MaxValue).RequestTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperOptions.Default.WithRequestTimeout(TimeSpan.Zero));
    }

    private static TimeSpan Parse(string which) => which switch
    {
        "max" => TimeSpan.MaxValue,
        "200000days" => TimeSpan.FromDays(200_000),
        _ => Timeout.InfiniteTimeSpan,
    };
}

using UmhActors.Helpers;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>$/log records from the helper reach Akka logging at their level, naming the helper and its pid.</summary>
public sealed class HelperLogTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_warn_record_is_logged_as_a_warning_with_the_helpers_name_and_pid()
    {
        var (helper, pid) = await StartHelperAsync();
        await EventFilter.Warning(contains: $"[helper testhelper pid {pid}] disk almost full pid={pid}").ExpectOneAsync(Patience, async () =>
            await new HelperClient(helper).SendAsync(Call("log", "warn", "disk almost full")));
    }

    [Fact]
    public async Task An_error_record_is_logged_as_an_error()
    {
        var (helper, pid) = await StartHelperAsync();
        await EventFilter.Error(contains: $"[helper testhelper pid {pid}] cannot open codec").ExpectOneAsync(Patience, async () =>
            await new HelperClient(helper).SendAsync(Call("log", "error", "cannot open codec")));
    }

    [Fact]
    public async Task A_record_with_an_unknown_level_is_logged_as_info()
    {
        var (helper, pid) = await StartHelperAsync();
        await EventFilter.Info(contains: $"[helper testhelper pid {pid}] a notice").ExpectOneAsync(Patience, async () =>
            await new HelperClient(helper).SendAsync(Call("log_raw", "notice", "a notice")));
    }
}

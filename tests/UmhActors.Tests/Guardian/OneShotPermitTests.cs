using UmhActors.Guardian;
using UmhActors.Native.Blobs;
using UmhActors.Native.OneShot;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

/// <summary>A guarded one-shot call holds its launch permit for the whole call, as
/// <c>call_usermodehelper_exec()</c> counts in <c>running_helpers</c> until it returns.</summary>
public sealed class OneShotPermitTests(ITestOutputHelper output) : HelperSpec(output)
{
    private UmhGuardian Guardian => UmhGuardian.Get(Sys);

    [Fact]
    public async Task A_running_one_shot_call_counts_as_in_flight_and_makes_Disable_report_busy()
    {
        using var blob = HelperBlob.FromBytes("one-shot-sleeper", "#!/bin/sh\nsleep 2\n"u8);
        var call = Guardian.CallUserModeHelperAsync(blob, ["one-shot-sleeper"], null, UmhWait.WaitProc, TimeSpan.FromSeconds(5));
        await AwaitInFlightAsync(1);

        var busy = await Assert.ThrowsAsync<GuardianBusyException>(() => Guardian.DisableAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Contains("still in progress", busy.Message);
        Assert.Equal(GuardianState.Enabled, (await Guardian.GetStatusAsync()).State);

        var result = await call.WaitAsync(Patience);
        Assert.Equal(0, result.Exit!.ExitCode);
        await AwaitInFlightAsync(0);
    }

    [Fact]
    public async Task A_cancelled_one_shot_call_returns_its_permit()
    {
        using var blob = HelperBlob.FromBytes("one-shot-cancelled", "#!/bin/sh\nsleep 30\n"u8);
        using var cancel = new CancellationTokenSource();
        var call = Guardian.CallUserModeHelperAsync(blob, ["one-shot-cancelled"], null, UmhWait.WaitProc, TimeSpan.FromSeconds(5), cancel.Token);
        await AwaitInFlightAsync(1);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        await AwaitInFlightAsync(0);
        await Guardian.DisableAsync(TimeSpan.FromSeconds(2));
        await Guardian.EnableAsync();
    }

    private async Task AwaitInFlightAsync(int expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await Guardian.GetStatusAsync()).InFlight != expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"InFlight never reached {expected}");
            await Task.Delay(10);
        }
    }
}

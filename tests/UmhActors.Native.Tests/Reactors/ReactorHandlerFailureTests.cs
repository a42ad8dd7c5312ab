using System.Text;
using UmhActors.Native.Exit;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.Reactors;

/// <summary>A reactor callback that throws: only its helper fails; the reactor thread and every
/// other helper go on.</summary>
public sealed class ReactorHandlerFailureTests
{
    [Fact]
    public async Task A_throwing_pipe_callback_kills_only_its_helper_and_the_reactor_serves_the_others()
    {
        using var reactor = new Reactor("test-reactor");
        using var blob = TestBlobs.System("cat");
        var target = ExecTarget.ForMemfd(blob.Name, blob.GetSealedMemfd(), false);
        await using var faulty = HelperLauncher.Start(target, LaunchOptions.Default, null, reactor);
        await using var healthy = HelperLauncher.Start(target, LaunchOptions.Default, null, reactor);
        faulty.Stdout!.ReadyCallback = () => throw new InvalidOperationException("bug in a receiver");
        var failuresBefore = Reactor.HandlerFailureCount;

        await faulty.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("wake the callback\n"));

        var exit = await faulty.Exited.WaitAsync(ProcessText.Timeout);
        Assert.Equal(SignalNames.SIGKILL, exit.Signal);
        var buffer = new byte[64];
        // The pipe is deaf now (no more readiness) and says why instead of waiting forever.
        var failure = await Assert.ThrowsAsync<ReadinessCallbackException>(() => faulty.Stdout.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout));
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.True(Reactor.HandlerFailureCount > failuresBefore);

        await healthy.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("still served\n"));
        var n = await healthy.Stdout!.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout);
        Assert.Equal("still served\n", Encoding.UTF8.GetString(buffer, 0, n));
    }
}

using UmhActors.Native.Handles;
using UmhActors.Native.Io;

namespace UmhActors.Native.Tests.Reactors;

/// <summary>Registrations that fail leave nothing behind in the reactor.</summary>
public sealed class ReactorRegistrationTests
{
    [Fact]
    public void Registering_an_already_closed_fd_fails_and_leaves_no_handler()
    {
        using var reactor = new Reactor("test-reactor");
        var closed = new PidfdHandle(Tmds.Linux.LibC.dup(0));
        closed.Dispose();

        Assert.Throws<ObjectDisposedException>(() => reactor.Register(closed, (uint)Tmds.Linux.LibC.EPOLLIN, new NoHandler()));

        Assert.Equal(0, reactor.RegisteredCount);
    }

    private sealed class NoHandler : IReadinessHandler
    {
        public void OnReady(uint events)
        {
        }

        public void OnFailed(Exception error)
        {
        }
    }
}

using UmhActors.Native.Exit;
using UmhActors.Native.Io;
using UmhActors.Protocol.Control;

namespace UmhActors.Helpers;

/// <summary>Messages a <see cref="HelperActor"/> sends itself (from the reactor, timers and tasks).
/// Those about one helper process carry its generation, so news from a helper that was already
/// replaced is ignored.</summary>
internal static class HelperActorSignals
{
    public sealed record HelloReceived(int Generation, HelloMessage Hello);

    public sealed record ViolationDetected(int Generation, Exception Violation);

    public sealed record ChannelClosed(int Generation, ChannelClosure Closure);

    public sealed record HelperExited(int Generation, ExitStatus Exit);

    public sealed record PongReceived(int Generation, ulong Token);

    public sealed record StdoutClosedTooLong(int Generation);

    public sealed record HandshakeTimedOut(int Generation);

    public sealed class SlotsFreed
    {
        public static SlotsFreed Instance { get; } = new();
    }

    public sealed class FlushOutbox
    {
        public static FlushOutbox Instance { get; } = new();
    }

    public sealed class TimeoutTick
    {
        public static TimeoutTick Instance { get; } = new();
    }

    public sealed class WatchdogTick
    {
        public static WatchdogTick Instance { get; } = new();
    }

    public sealed class Relaunch
    {
        public static Relaunch Instance { get; } = new();
    }
}

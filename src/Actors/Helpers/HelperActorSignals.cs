using UmhActors.Native.Exit;
using UmhActors.Native.Io;
using UmhActors.Protocol.Control;

namespace UmhActors.Helpers;

/// <summary>Messages a <see cref="HelperActor"/> sends itself (from the reactor, timers and tasks).</summary>
internal static class HelperActorSignals
{
    public sealed record HelloReceived(HelloMessage Hello);

    public sealed record ViolationDetected(Exception Violation);

    public sealed record ChannelClosed(ChannelClosure Closure);

    public sealed record HelperExited(ExitStatus Exit);

    public sealed record PongReceived(ulong Token);

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

    public sealed class HandshakeTimedOut
    {
        public static HandshakeTimedOut Instance { get; } = new();
    }

    public sealed class StdoutClosedTooLong
    {
        public static StdoutClosedTooLong Instance { get; } = new();
    }
}

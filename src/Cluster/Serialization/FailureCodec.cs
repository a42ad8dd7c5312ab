using MessagePack;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Protocol.Control;
using UmhActors.Requests;

namespace UmhActors.Cluster.Serialization;

/// <summary>
/// The typed failures a helper's caller can receive, as MessagePack: <c>[tag, fields…]</c>, one tag per
/// exception type. A <see cref="HelperFailureException"/> keeps its kind (its type), helper name, pid,
/// exit status (code or signal, core flag, OOM kill count, uptime), uptime and evidence; a launch
/// failure's <see cref="LaunchFailedException"/> (call and errno) is rebuilt so
/// <see cref="HelperLaunchFailedException.IsTransient"/> survives; other causes arrive as
/// <see cref="RemoteCauseException"/>. Nothing here uses reflection.
/// </summary>
internal static class FailureCodec
{
    private const string Error = "error", Timeout = "timeout", Overloaded = "overloaded", Stopped = "stopped", Invalid = "invalid",
        TooLarge = "too-large", Cancelled = "cancelled", Disabled = "launches-disabled", PermitTimeout = "permit-timeout",
        Undelivered = "undelivered";

    /// <summary>True when <paramref name="e"/> is a type this codec carries.</summary>
    public static bool Supports(Exception? e) => e is HelperFailureException or HelperErrorException or HelperTimeoutException
        or HelperOverloadedException or HelperStoppedException or InvalidHelperRequestException or HelperRequestTooLargeException
        or HelperRequestUndeliveredException
        or LaunchesDisabledException or LaunchPermitTimeoutException
        || e?.GetType() == typeof(OperationCanceledException);

    public static void Write(ref MessagePackWriter w, Exception e)
    {
        switch (e)
        {
            case HelperFailureException f:
                w.WriteArrayHeader(8);
                w.Write(Tag(f));
                w.Write(f.HelperName);
                w.Write(f.Pid);
                WriteExit(ref w, f.Exit);
                w.Write(f.Uptime.Ticks);
                w.Write(f.Evidence);
                var launch = LaunchCause(f.InnerException);
                if (launch is null) w.WriteNil();
                else
                {
                    w.WriteArrayHeader(3);
                    w.Write(launch.HelperName);
                    w.Write(launch.Call);
                    w.Write(launch.ErrorNumber);
                }
                if (launch is not null || f.InnerException is null) w.WriteNil();
                else
                {
                    w.WriteArrayHeader(2);
                    w.Write(CauseType(f.InnerException));
                    w.Write(CauseMessage(f.InnerException));
                }
                break;
            case HelperErrorException x:
                w.WriteArrayHeader(5);
                w.Write(Error);
                w.Write(x.HelperName);
                w.Write(x.Method);
                w.Write(x.Error.Code);
                w.Write(x.Error.Message);
                break;
            case HelperTimeoutException x:
                w.WriteArrayHeader(5);
                w.Write(Timeout);
                w.Write(x.HelperName);
                w.Write(x.Method);
                w.Write(x.Timeout.Ticks);
                w.Write(x.WasSent);
                break;
            case HelperOverloadedException x:
                w.WriteArrayHeader(4);
                w.Write(Overloaded);
                w.Write(x.HelperName);
                w.Write(x.MaxInFlight);
                w.Write(x.MaxQueued);
                break;
            case HelperStoppedException x:
                w.WriteArrayHeader(2);
                w.Write(Stopped);
                w.Write(x.HelperName);
                break;
            case InvalidHelperRequestException x:
                w.WriteArrayHeader(5);
                w.Write(Invalid);
                w.Write(x.HelperName);
                w.Write(x.Method);
                w.Write((int)x.Problem);
                w.Write(InvalidDetail(x.Message));
                break;
            case HelperRequestTooLargeException x:
                w.WriteArrayHeader(5);
                w.Write(TooLarge);
                w.Write(x.HelperName);
                w.Write(x.Method);
                w.Write(x.FrameBytes);
                w.Write(x.MaxFrameBytes);
                break;
            case HelperRequestUndeliveredException x:
                w.WriteArrayHeader(4);
                w.Write(Undelivered);
                w.Write(x.Method);
                w.Write(x.Recipient);
                w.Write(x.Reason);
                break;
            case LaunchesDisabledException:
                w.WriteArrayHeader(1);
                w.Write(Disabled);
                break;
            case LaunchPermitTimeoutException x:
                w.WriteArrayHeader(3);
                w.Write(PermitTimeout);
                w.Write(x.Waited.Ticks);
                w.Write(x.TryOnly);
                break;
            case OperationCanceledException x when x.GetType() == typeof(OperationCanceledException):
                w.WriteArrayHeader(2);
                w.Write(Cancelled);
                w.Write(x.Message);
                break;
            default:
                throw new ArgumentException($"{e.GetType()} is not a failure the UmhActors serializer carries", nameof(e));
        }
    }

    public static Exception Read(ref MessagePackReader r)
    {
        var count = r.ReadArrayHeader();
        var tag = r.ReadString() ?? throw new MessagePackSerializationException("failure without a tag");
        switch (tag)
        {
            case Error:
                Expect(count, 5, tag);
                return new HelperErrorException(r.ReadString()!, r.ReadString()!, new RpcError(r.ReadInt32(), r.ReadString()!));
            case Timeout:
                Expect(count, 5, tag);
                return new HelperTimeoutException(r.ReadString()!, r.ReadString()!, TimeSpan.FromTicks(r.ReadInt64()), r.ReadBoolean());
            case Overloaded:
                Expect(count, 4, tag);
                return new HelperOverloadedException(r.ReadString()!, r.ReadInt32(), r.ReadInt32());
            case Stopped:
                Expect(count, 2, tag);
                return new HelperStoppedException(r.ReadString()!);
            case Invalid:
                Expect(count, 5, tag);
                return new InvalidHelperRequestException(r.ReadString()!, r.ReadString(), (HelperRequestProblem)r.ReadInt32(), r.ReadString()!);
            case TooLarge:
                Expect(count, 5, tag);
                return new HelperRequestTooLargeException(r.ReadString()!, r.ReadString()!, r.ReadInt64(), r.ReadInt32());
            case Undelivered:
                Expect(count, 4, tag);
                return new HelperRequestUndeliveredException(r.ReadString()!, r.ReadString()!, r.ReadString()!);
            case Disabled:
                Expect(count, 1, tag);
                return new LaunchesDisabledException();
            case PermitTimeout:
                Expect(count, 3, tag);
                return new LaunchPermitTimeoutException(TimeSpan.FromTicks(r.ReadInt64()), r.ReadBoolean());
            case Cancelled:
                Expect(count, 2, tag);
                return new OperationCanceledException(r.ReadString());
        }
        Expect(count, 8, tag);
        var name = r.ReadString()!;
        var pid = r.ReadInt32();
        var exit = ReadExit(ref r);
        var uptime = TimeSpan.FromTicks(r.ReadInt64());
        var evidence = r.ReadString()!;
        Exception? inner = null;
        if (!r.TryReadNil())
        {
            Expect(r.ReadArrayHeader(), 3, "launch cause");
            inner = new LaunchFailedException(r.ReadString()!, r.ReadString()!, r.ReadInt32());
        }
        if (!r.TryReadNil())
        {
            Expect(r.ReadArrayHeader(), 2, "cause");
            inner = new RemoteCauseException(r.ReadString()!, r.ReadString()!);
        }
        return tag switch
        {
            nameof(HelperFailureKind.Exited) => new HelperExitedException(name, pid, exit, uptime, evidence, inner),
            nameof(HelperFailureKind.Failed) => new HelperFailedException(name, pid, exit, uptime, evidence, inner),
            nameof(HelperFailureKind.Crashed) => new HelperCrashedException(name, pid, exit, uptime, evidence, inner),
            nameof(HelperFailureKind.OomKilled) => new HelperOomKilledException(name, pid, exit, uptime, evidence, inner),
            nameof(HelperFailureKind.Killed) => new HelperKilledException(name, pid, exit, uptime, evidence, inner),
            nameof(HelperFailureKind.Hung) => new HelperHungException(name, pid, exit, uptime, evidence, inner),
            nameof(HelperFailureKind.ProtocolViolation) => new HelperProtocolViolationException(name, pid, exit, uptime, evidence, inner),
            nameof(HelperFailureKind.LaunchFailed) => new HelperLaunchFailedException(name, pid, exit, uptime, evidence, inner),
            _ => throw new MessagePackSerializationException($"unknown failure tag \"{tag}\""),
        };
    }

    // Both launch kinds are one type; its IsTransient comes back from the rebuilt LaunchFailedException.
    private static string Tag(HelperFailureException f) => f is HelperLaunchFailedException ? nameof(HelperFailureKind.LaunchFailed) : f.Kind.ToString();

    private static void WriteExit(ref MessagePackWriter w, ExitStatus? exit)
    {
        if (exit is null)
        {
            w.WriteNil();
            return;
        }
        w.WriteArrayHeader(6);
        w.Write(exit.Pid);
        WriteNullable(ref w, exit.ExitCode);
        WriteNullable(ref w, exit.Signal);
        w.Write(exit.CoreDumped);
        w.Write(exit.Uptime.Ticks);
        if (exit.OomKillCount is { } oom) w.Write(oom);
        else w.WriteNil();
    }

    private static ExitStatus? ReadExit(ref MessagePackReader r)
    {
        if (r.TryReadNil()) return null;
        Expect(r.ReadArrayHeader(), 6, "exit status");
        var pid = r.ReadInt32();
        int? code = r.TryReadNil() ? null : r.ReadInt32();
        int? signal = r.TryReadNil() ? null : r.ReadInt32();
        var core = r.ReadBoolean();
        var uptime = TimeSpan.FromTicks(r.ReadInt64());
        long? oom = r.TryReadNil() ? null : r.ReadInt64();
        return new ExitStatus(pid, code, signal, core, uptime) { OomKillCount = oom };
    }

    private static void WriteNullable(ref MessagePackWriter w, int? value)
    {
        if (value is { } v) w.Write(v);
        else w.WriteNil();
    }

    private static LaunchFailedException? LaunchCause(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is LaunchFailedException launch) return launch;
        return null;
    }

    // A cause that already crossed once keeps its original type name rather than becoming "RemoteCauseException".
    private static string CauseType(Exception e) => e is RemoteCauseException remote ? remote.TypeName : e.GetType().FullName ?? e.GetType().Name;

    private static string CauseMessage(Exception e) => e is RemoteCauseException remote ? remote.OriginalMessage : e.Message;

    // The exception keeps only its composed message; the detail is what follows the fixed prefix.
    private static string InvalidDetail(string message)
    {
        const string marker = " was not sent: ";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? message : message[(at + marker.Length)..];
    }

    private static void Expect(int count, int expected, string what)
    {
        if (count != expected) throw new MessagePackSerializationException($"{what}: {count} fields, expected {expected}");
    }
}

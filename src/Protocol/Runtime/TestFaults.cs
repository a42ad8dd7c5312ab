using System.Buffers;
using System.Runtime.InteropServices;
using MessagePack;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// The runtime's side of the <see cref="TestFaultMethods"/>: honoured only in test mode (the host
/// set <see cref="TestFaultMethods.EnvironmentVariable"/> to <c>1</c>), refused with
/// <see cref="TestFaultMethods.DisabledErrorCode"/> otherwise, so a production helper cannot be
/// made to misbehave by a stray request.
/// </summary>
internal sealed class TestFaults(HelperRuntime runtime, bool enabled)
{
    private const int Chunk = 1024 * 1024;
    private const int Page = 4096;
    private volatile bool _hung;

    /// <summary>True when the environment puts this process in test mode.</summary>
    public static bool EnabledByEnvironment => Environment.GetEnvironmentVariable(TestFaultMethods.EnvironmentVariable) == "1";

    /// <summary>True once <see cref="TestFaultMethods.Hang"/> was honoured: every later frame is dropped.</summary>
    public bool Hung => _hung;

    /// <summary>Handles one test-fault request, on the reader thread.</summary>
    public void Dispatch(uint msgId, string method)
    {
        if (!enabled)
        {
            runtime.Fail(msgId, new RpcError(TestFaultMethods.DisabledErrorCode,
                $"{runtime.Name} was not launched in test mode: {method} is refused (a host in test mode sets {TestFaultMethods.EnvironmentVariable}=1, e.g. with HelperOptions.WithTestFaults())"));
            return;
        }
        switch (method)
        {
            case TestFaultMethods.Hang:
                runtime.Respond(msgId, Pid());
                // Still reading: end of file on stdin must still end a hung helper whose host died.
                _hung = true;
                break;
            case TestFaultMethods.Garble:
                runtime.Respond(msgId, Pid());
                // 0xc1 is the one byte MessagePack never uses: no decoder can take it for a frame.
                runtime.WriteRaw([0xc1, 0xc1, (byte)'g', (byte)'a', (byte)'r', (byte)'b', (byte)'l', (byte)'e', (byte)'d', (byte)'\n']);
                break;
            case TestFaultMethods.Allocate:
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Faults.Allocate(state.MsgId), (Faults: this, MsgId: msgId), preferLocal: false);
                break;
            default:
                runtime.Fail(msgId, new RpcError(RpcErrorCodes.MethodNotFound, $"{runtime.Name} has no test fault '{method}'"));
                break;
        }
    }

    private void Allocate(uint msgId)
    {
        if (OwnMemoryLimit.Read() is not { } limit)
        {
            runtime.Fail(msgId, new RpcError(TestFaultMethods.UnavailableErrorCode,
                $"{runtime.Name} (pid {Environment.ProcessId}) has no memory limit of its own (launch it with LaunchOptions.WithMemoryLimit): allocating would only take memory others share"));
            return;
        }
        // Native memory, not the GC heap: .NET caps its heap below the cgroup limit and would throw
        // OutOfMemoryException (the helper then aborts with SIGABRT) before the kernel's OOM killer acts.
        // Held until the kernel ends the process; touching each page is what makes it count.
        var held = new List<IntPtr>();
        var target = limit * 2 + 64L * Chunk;
        try
        {
            for (long allocated = 0; allocated < target; allocated += Chunk)
            {
                var block = Marshal.AllocHGlobal(Chunk);
                held.Add(block);
                for (var offset = 0; offset < Chunk; offset += Page) Marshal.WriteByte(block, offset, 1);
            }
            runtime.Fail(msgId, new RpcError(TestFaultMethods.UnavailableErrorCode,
                $"{runtime.Name} allocated {held.Count} MiB against a limit of {limit / Chunk} MiB and was not killed (is swap allowed?)"));
        }
        catch (OutOfMemoryException)
        {
            // malloc said no before the kernel killed anything (an address-space rlimit, say).
            runtime.Fail(msgId, new RpcError(TestFaultMethods.UnavailableErrorCode,
                $"{runtime.Name} could not allocate past {held.Count} MiB (malloc failed) against a limit of {limit / Chunk} MiB"));
        }
        finally
        {
            foreach (var block in held) Marshal.FreeHGlobal(block);
        }
    }

    private static byte[] Pid()
    {
        var buffer = new ArrayBufferWriter<byte>(8);
        var writer = new MessagePackWriter(buffer);
        writer.Write(Environment.ProcessId);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}

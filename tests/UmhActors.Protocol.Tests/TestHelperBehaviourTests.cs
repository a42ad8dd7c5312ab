using UmhActors.Protocol.Framing;
using UmhActors.Protocol.Control;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>The C# test helper's misbehaviours are real: the host layers rely on them.</summary>
public sealed class TestHelperBehaviourTests
{
    private static readonly TimeSpan Timeout = HelperConnection.Timeout;

    [Fact]
    public async Task Add_sums_two_integers()
    {
        await using var helper = Helpers.StartCSharp();
        Assert.Equal(Pack.Json(Pack.Value(5L)), Pack.Json((await helper.RequestAsync("add", Pack.Array(2, 3))).Result));
    }

    [Fact]
    public async Task The_helper_process_is_named_after_its_runtime_not_its_exec_path()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.RequestAsync("echo", Pack.Array());
        // Exec'd as /proc/self/fd/3, the kernel named it "3"; the runtime renames it before hello.
        Assert.Equal("testhelper", File.ReadAllText($"/proc/{helper.Process.Pid}/comm").Trim());
    }

    [Fact]
    public async Task Pid_is_the_process_the_host_started()
    {
        await using var helper = Helpers.StartCSharp();
        Assert.Equal(helper.Process.Pid, Pack.Read<int>((await helper.RequestAsync("pid", Pack.Array())).Result));
    }

    [Fact]
    public async Task Crash_dies_of_sigsegv()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.StartRequestAsync("crash", Pack.Array());
        Assert.Equal(11, (await helper.Process.Exited.WaitAsync(Timeout)).Signal);
    }

    [Fact]
    public async Task Abort_dies_of_sigabrt()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.StartRequestAsync("abort", Pack.Array());
        Assert.Equal(6, (await helper.Process.Exited.WaitAsync(Timeout)).Signal);
    }

    [Fact]
    public async Task Exit_exits_with_the_requested_code()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.StartRequestAsync("exit", Pack.Array(42));
        Assert.Equal(42, (await helper.Process.Exited.WaitAsync(Timeout)).ExitCode);
    }

    [Fact]
    public async Task Garbage_on_stdout_is_a_protocol_violation_for_the_host()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.StartRequestAsync("garbage", Pack.Array());
        var violation = await helper.Closed.WaitAsync(Timeout);
        Assert.Equal(ProtocolViolationReason.Malformed, violation!.Reason);
    }

    [Fact]
    public async Task Oversized_declaration_is_rejected_without_a_large_allocation()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.StartRequestAsync("oversized", Pack.Array());
        var violation = await helper.Closed.WaitAsync(Timeout);
        Assert.Equal(ProtocolViolationReason.StringTooLong, violation!.Reason);
        Assert.True(helper.ReaderAllocatedBytes < 64 * 1024, $"the reader allocated {helper.ReaderAllocatedBytes} bytes");
    }

    [Fact]
    public async Task Hang_stops_answering_pings()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.StartRequestAsync("hang", Pack.Array());
        await helper.SendAsync(o => ControlFrames.WritePing(o, 1));
        // Absence can only be shown by waiting: a bounded wait the pong would easily beat.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => helper.NextNotificationAsync(ControlMethods.Pong, TimeSpan.FromSeconds(1)));
        Assert.False(helper.Process.HasExited);
    }

    [Fact]
    public async Task Answers_read_together_with_a_hanging_inline_handler_still_go_out()
    {
        await using var helper = Helpers.StartCSharp();
        var pong = helper.NextNotificationAsync(ControlMethods.Pong);
        uint echoId = helper.NextId(), hangId = helper.NextId();
        var echo = helper.ExpectResponse(echoId);
        // One write, so the helper reads all three at once; its reader then blocks in "hang".
        await helper.SendAsync(o =>
        {
            ControlFrames.WritePing(o, 7);
            FrameWriter.WriteRequest(o, echoId, "echo", Pack.Array("x"));
            FrameWriter.WriteRequest(o, hangId, "hang", Pack.Array());
        });
        Assert.Equal(7UL, ControlFrames.ReadToken(await pong));
        Assert.Equal(Pack.Json(Pack.Array("x")), Pack.Json((await echo).Result));
    }

    [Fact]
    public async Task Flood_sends_every_notification_before_its_response()
    {
        await using var helper = Helpers.StartCSharp();
        var response = await helper.StartRequestAsync("flood", Pack.Array(10_000));
        for (var i = 0; i < 10_000; i++)
            Assert.Equal(Pack.Json(Pack.Array(i)), Pack.Json((await helper.NextNotificationAsync("flood")).Params));
        Assert.Equal(Pack.Json(Pack.Value(10_000)), Pack.Json((await response).Result));
    }

    [Fact]
    public async Task Alloc_commits_the_requested_memory()
    {
        await using var helper = Helpers.StartCSharp();
        Assert.Equal(Pack.Json(Pack.Value(64)), Pack.Json((await helper.RequestAsync("alloc", Pack.Array(64))).Result));
        var rssKb = File.ReadLines($"/proc/{helper.Process.Pid}/status").First(l => l.StartsWith("VmRSS:"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.True(long.Parse(rssKb) > 64 * 1024, $"VmRSS {rssKb} kB");
    }

    [Fact]
    public async Task Log_arrives_as_a_structured_log_record()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.RequestAsync("log", Pack.Array("warn", "disk almost full"));
        var log = ControlFrames.ReadLog(await helper.NextNotificationAsync(ControlMethods.Log));
        Assert.Equal((HelperLogLevel.Warn, "disk almost full"), (log.Level, log.Message));
        Assert.Equal((long)helper.Process.Pid, log.Fields["pid"]);
    }

    [Fact]
    public async Task Stderr_writes_a_line_the_host_can_read()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.RequestAsync("stderr", Pack.Array("hello on stderr"));
        var buffer = new byte[4096];
        var read = await helper.Process.Stderr!.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
        Assert.Contains("hello on stderr", System.Text.Encoding.UTF8.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task Ignore_sigterm_survives_sigterm()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.RequestAsync("ignore_sigterm", Pack.Array());
        helper.Process.Signal(15);
        // The helper still answers after the signal was delivered.
        Assert.Equal(Pack.Json(Pack.Value(5L)), Pack.Json((await helper.RequestAsync("add", Pack.Array(2, 3))).Result));
        Assert.False(helper.Process.HasExited);
    }

    [Fact]
    public async Task Spawn_grandchild_starts_a_process_in_the_helpers_group()
    {
        int grandchild;
        await using (var helper = Helpers.StartCSharp())
        {
            grandchild = Pack.Read<int>((await helper.RequestAsync("spawn_grandchild", Pack.Array())).Result);
            var stat = File.ReadAllText($"/proc/{grandchild}/stat");
            var pgid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);
            Assert.Equal(helper.Process.Pid, pgid);
        }
        // Disposal kills the group; the grandchild goes too (gone, or a zombie awaiting its reaper).
        using var deadline = new CancellationTokenSource(Timeout);
        while (File.Exists($"/proc/{grandchild}/stat") && !File.ReadAllText($"/proc/{grandchild}/stat").Contains(") Z"))
            await Task.Delay(20, deadline.Token);
    }
}

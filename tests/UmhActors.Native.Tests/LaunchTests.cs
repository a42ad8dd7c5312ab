using System.Text;
using UmhActors.Native.Exit;
using UmhActors.Native.Interop;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests;

public sealed class LaunchTests
{
    [Fact]
    public async Task Bytes_written_to_stdin_come_back_on_stdout()
    {
        using var blob = TestBlobs.System("cat");
        await using var process = HelperLauncher.Launch(blob);
        await process.Stdin!.WriteAsync("hello helper\n"u8.ToArray());
        var buffer = new byte[64];
        var n = await process.Stdout!.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout);
        Assert.Equal("hello helper\n", Encoding.UTF8.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task Large_transfers_flow_both_ways_without_deadlock()
    {
        using var blob = TestBlobs.System("cat");
        await using var process = HelperLauncher.Launch(blob);
        var payload = new byte[4 * 1024 * 1024];
        new Random(7).NextBytes(payload);
        var reading = process.Stdout!.ReadToEndAsync();
        await process.Stdin!.WriteAsync(payload).AsTask().WaitAsync(ProcessText.Timeout);
        process.Stdin.Dispose();
        Assert.Equal(payload, await reading.WaitAsync(ProcessText.Timeout));
    }

    [Fact]
    public async Task Helper_sees_only_fds_0_1_and_2()
    {
        using var blob = TestBlobs.System("ls");
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithArguments("-l", "/proc/self/fd/"));
        var (stdout, _, exit) = await ProcessText.RunToEndAsync(process);
        Assert.Equal(0, exit.ExitCode);
        var fds = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains(" -> "))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => int.Parse(parts[^3]), parts => parts[^1]);
        // ls itself holds one fd: the directory it is listing.
        var foreign = fds.Where(kv => kv.Key > 2 && !kv.Value.EndsWith("/fd")).ToList();
        Assert.True(foreign.Count == 0, "unexpected fds in helper: " + string.Join(", ", foreign));
        Assert.Contains(0, fds.Keys);
        Assert.Contains(1, fds.Keys);
        Assert.Contains(2, fds.Keys);
    }

    [Fact]
    public async Task Environment_is_minimal_plus_callers_variables()
    {
        using var blob = TestBlobs.System("env");
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithEnvironment("GREETING", "hi"));
        var (stdout, _, _) = await ProcessText.RunToEndAsync(process);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
        Assert.Equal(["GREETING=hi", "HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin"], lines);
    }

    [Fact]
    public async Task Host_environment_is_inherited_only_when_asked()
    {
        Environment.SetEnvironmentVariable("UMH_TEST_SECRET", "s3cret");
        using var blob = TestBlobs.System("env");
        var (inherited, _, _) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob, LaunchOptions.Default.WithInheritedEnvironment()));
        var (minimal, _, _) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));
        Assert.Contains("UMH_TEST_SECRET=s3cret", inherited);
        Assert.DoesNotContain("UMH_TEST_SECRET", minimal);
    }

    [Fact]
    public async Task Working_directory_is_root_unless_set()
    {
        using var blob = TestBlobs.System("pwd");
        var (root, _, _) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));
        var (tmp, _, _) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob, LaunchOptions.Default.WithWorkingDirectory("/tmp")));
        Assert.Equal("/\n", root);
        Assert.Equal("/tmp\n", tmp);
    }

    [Fact]
    public async Task Argv0_defaults_to_the_blob_name()
    {
        using var blob = TestBlobs.System("cat");
        var (named, _, _) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob, LaunchOptions.Default.WithArguments("/proc/self/cmdline")));
        var (custom, _, _) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob, LaunchOptions.Default.WithArgv0("codec").WithArguments("/proc/self/cmdline")));
        Assert.Equal("cat\0/proc/self/cmdline\0", named);
        Assert.Equal("codec\0/proc/self/cmdline\0", custom);
    }

    [Fact]
    public async Task Helper_starts_with_default_signal_dispositions_and_empty_mask_in_its_own_group()
    {
        // The helper reports on itself: its own /proc/self/stat (pid, pgrp) and status (masks),
        // read while it runs, so nothing depends on catching it before it is reaped.
        using var blob = TestBlobs.System("cat");
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithArguments("/proc/self/stat", "/proc/self/status"));
        var pid = process.Pid;
        var (output, _, exit) = await ProcessText.RunToEndAsync(process);
        Assert.Equal(0, exit.ExitCode);
        var statLine = output[..output.IndexOf('\n')];
        var fields = statLine[(statLine.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(pid, int.Parse(statLine[..statLine.IndexOf(' ')]));
        var pgrp = int.Parse(fields[2]);
        Assert.Equal(pid, pgrp);
        Assert.NotEqual(HostCensus.ReadStat("/proc/self")!.Value.ProcessGroup, pgrp);
        // Standard signals 1-31 must be at their defaults; glibc keeps its two internal
        // real-time signals (32, 33) to itself.
        Assert.Equal(0UL, StatusMask(output, "SigIgn") & 0x7FFF_FFFFUL);
        Assert.Equal(0UL, StatusMask(output, "SigBlk"));
    }

    [Fact]
    public async Task Exit_code_is_reported()
    {
        using var blob = TestBlobs.Shell("exit3", "exit 3");
        var (_, _, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));
        Assert.True(exit.Exited);
        Assert.Equal(3, exit.ExitCode);
        Assert.Null(exit.Signal);
        Assert.True(exit.Uptime > TimeSpan.Zero);
    }

    [Fact]
    public async Task Segfault_is_reported_as_SIGSEGV()
    {
        using var blob = TestBlobs.Shell("segv", "kill -SEGV $$");
        var (_, _, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));
        Assert.Equal(SignalNames.SIGSEGV, exit.Signal);
        Assert.Equal("SIGSEGV", exit.SignalName);
        Assert.Null(exit.ExitCode);
    }

    [Fact]
    public async Task Kill_is_reported_as_SIGKILL()
    {
        using var blob = TestBlobs.System("sleep");
        await using var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithArguments("30"));
        process.Kill();
        var exit = await process.Exited.WaitAsync(ProcessText.Timeout);
        Assert.Equal(SignalNames.SIGKILL, exit.Signal);
        Assert.Equal(SignalNames.SIGKILL, process.LastSignalSentByHost);
    }

    [Fact]
    public async Task Sigterm_is_reported_as_SIGTERM()
    {
        using var blob = TestBlobs.System("sleep");
        await using var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithArguments("30"));
        Assert.True(process.Signal(SignalNames.SIGTERM));
        var exit = await process.Exited.WaitAsync(ProcessText.Timeout);
        Assert.Equal(SignalNames.SIGTERM, exit.Signal);
        Assert.False(exit.CoreDumped);
        Assert.False(process.Signal(SignalNames.SIGTERM));
    }

    [Fact]
    public void Non_executable_blob_fails_with_ENOEXEC()
    {
        using var blob = TestBlobs.Script("text", "just some words, not a program\n");
        var error = Assert.Throws<LaunchFailedException>(() => HelperLauncher.Launch(blob));
        Assert.Equal(Errno.ENOEXEC, error.ErrorNumber);
        Assert.Equal("ENOEXEC", error.ErrorName);
        Assert.Equal("text", error.HelperName);
    }

    [Fact]
    public void Script_with_missing_interpreter_fails_with_ENOENT()
    {
        using var blob = TestBlobs.Script("lost", "#!/nonexistent/interpreter\necho never\n");
        var error = Assert.Throws<LaunchFailedException>(() => HelperLauncher.Launch(blob));
        Assert.Equal(Errno.ENOENT, error.ErrorNumber);
        Assert.Contains("lost", error.Message);
    }

    [Fact]
    public void Path_without_execute_permission_fails_with_EACCES()
    {
        var path = Path.Combine(Path.GetTempPath(), $"umh-noexec-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        try
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var error = Assert.Throws<LaunchFailedException>(() => HelperLauncher.LaunchPath(path));
            Assert.Equal(Errno.EACCES, error.ErrorNumber);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Shell_script_blob_runs()
    {
        using var blob = TestBlobs.Shell("greeter", "read name; echo \"hello $name\"");
        var (stdout, _, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob), "world\n");
        Assert.Equal("hello world\n", stdout);
        Assert.Equal(0, exit.ExitCode);
    }

    [Fact]
    public async Task Python_script_blob_runs()
    {
        using var blob = TestBlobs.Script("pyhello", "#!/usr/bin/python3\nimport sys\nprint('py', sys.stdin.readline().strip().upper())\n");
        var (stdout, stderr, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob), "quiet\n");
        Assert.True(exit.ExitCode == 0, stderr);
        Assert.Equal("py QUIET\n", stdout);
    }

    [Fact]
    public async Task Stderr_arrives_on_its_own_pipe()
    {
        using var blob = TestBlobs.Shell("noisy", "echo out; echo err >&2");
        var (stdout, stderr, _) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));
        Assert.Equal("out\n", stdout);
        Assert.Equal("err\n", stderr);
    }

    [Fact]
    public async Task TerminateAsync_also_kills_a_grandchild()
    {
        using var blob = TestBlobs.Shell("parent", "sleep 1000 & echo $!; wait");
        await using var process = HelperLauncher.Launch(blob);
        var grandchild = await ReadPidAsync(process);
        Assert.True(HostCensus.IsRunning(grandchild));
        var exit = await process.TerminateAsync(TimeSpan.FromSeconds(5)).WaitAsync(ProcessText.Timeout);
        Assert.Equal(SignalNames.SIGTERM, exit.Signal);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(grandchild), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task TerminateAsync_kills_a_helper_that_ignores_SIGTERM_after_the_grace_period()
    {
        using var blob = TestBlobs.Shell("stubborn", "trap '' TERM; echo ready; while :; do sleep 0.05; done");
        await using var process = HelperLauncher.Launch(blob);
        var buffer = new byte[16];
        await process.Stdout!.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout);
        var exit = await process.TerminateAsync(TimeSpan.FromMilliseconds(300)).WaitAsync(ProcessText.Timeout);
        Assert.Equal(SignalNames.SIGKILL, exit.Signal);
        // Timers may fire a millisecond early against the Stopwatch; the SIGKILL came after the grace.
        Assert.True(exit.Uptime >= TimeSpan.FromMilliseconds(280), $"uptime {exit.Uptime.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Disposing_the_process_kills_it()
    {
        using var blob = TestBlobs.System("sleep");
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithArguments("30"));
        await process.DisposeAsync().AsTask().WaitAsync(ProcessText.Timeout);
        Assert.Equal(SignalNames.SIGKILL, (await process.Exited).Signal);
        Assert.False(HostCensus.IsRunning(process.Pid));
    }

    private static ulong StatusMask(string status, string field)
    {
        var line = status.Split('\n').Single(l => l.StartsWith(field + ":"));
        return Convert.ToUInt64(line[(field.Length + 1)..].Trim(), 16);
    }

    private static async Task<int> ReadPidAsync(Processes.HelperProcess process)
    {
        var text = new StringBuilder();
        var buffer = new byte[32];
        while (!text.ToString().Contains('\n'))
        {
            var n = await process.Stdout!.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout);
            if (n == 0) break;
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return int.Parse(text.ToString().Trim());
    }
}

using System.Reflection;
using System.Runtime.InteropServices;
using UmhActors.Native.Exit;
using UmhActors.Native.Interop;

namespace UmhActors.Native.Tests.Naming;

/// <summary>How exits, signals and failed calls are named: what a log line or an exception tells the
/// operator (docs/supervision.md: the exit status and the signal's name; NativeCallException: the
/// call and the errno's name).</summary>
public sealed class ExitAndErrorNamingTests
{
    public static TheoryData<string, int> SignalConstants() => Constants(typeof(SignalNames));

    public static TheoryData<string, int> ErrnoConstants() => Constants(typeof(Errno));

    private static TheoryData<string, int> Constants(Type type)
    {
        var data = new TheoryData<string, int>();
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(int)))
            data.Add(field.Name, (int)field.GetRawConstantValue()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(SignalConstants))]
    public void Every_named_signal_constant_is_named_as_itself(string name, int signal) =>
        Assert.Equal(name, SignalNames.Of(signal));

    [Theory]
    [InlineData(16, "SIGSTKFLT")]
    [InlineData(21, "SIGTTIN")]
    [InlineData(30, "SIGPWR")]
    [InlineData(22, "SIGTTOU")]
    [InlineData(23, "SIGURG")]
    [InlineData(26, "SIGVTALRM")]
    [InlineData(27, "SIGPROF")]
    [InlineData(28, "SIGWINCH")]
    [InlineData(29, "SIGIO")]
    [InlineData(34, "SIGRTMIN+0")]
    [InlineData(35, "SIGRTMIN+1")]
    [InlineData(64, "SIGRTMIN+30")]
    [InlineData(0, "SIG0")]
    [InlineData(32, "SIG32")]
    [InlineData(33, "SIG33")]
    [InlineData(65, "SIG65")]
    [InlineData(-1, "SIG-1")]
    public void Signals_without_a_constant_are_named_by_the_kernel_table_or_by_number(int signal, string name) =>
        Assert.Equal(name, SignalNames.Of(signal));

    [Theory]
    [MemberData(nameof(ErrnoConstants))]
    public void Every_errno_constant_is_named_as_itself(string name, int errno) => Assert.Equal(name, Errno.Name(errno));

    [Theory]
    [InlineData(7, "E2BIG")]
    [InlineData(999, "E999")]
    [InlineData(0, "E0")]
    public void Errnos_without_a_constant_are_named_by_the_table_or_by_number(int errno, string name) =>
        Assert.Equal(name, Errno.Name(errno));

    [Fact]
    public void A_failed_call_names_the_call_the_errno_and_its_description()
    {
        var error = new NativeCallException("pidfd_open", Errno.ESRCH);

        Assert.Equal("pidfd_open", error.Call);
        Assert.Equal(3, error.ErrorNumber);
        Assert.Equal("ESRCH", error.ErrorName);
        Assert.Equal(3, error.HResult);
        Assert.Equal($"pidfd_open: ESRCH ({Marshal.GetPInvokeErrorMessage(3)})", error.Message);
        Assert.Contains("No such process", error.Message);
        Assert.IsAssignableFrom<IOException>(error);
    }

    [Fact]
    public void Only_a_minus_one_result_throws_and_it_carries_the_last_errno()
    {
        Assert.Equal(0, NativeCallException.ThrowIfFailed(0, "close"));
        Assert.Equal(7, NativeCallException.ThrowIfFailed(7, "dup"));
        Assert.Equal(-2, NativeCallException.ThrowIfFailed(-2, "odd"));

        Marshal.SetLastPInvokeError(Errno.EACCES);
        var error = Assert.Throws<NativeCallException>(() => NativeCallException.ThrowIfFailed(-1, "kill"));
        Assert.Equal("kill", error.Call);
        Assert.Equal("EACCES", error.ErrorName);
    }

    [Fact]
    public void A_real_failing_syscall_reports_its_name_and_errno()
    {
        // getpgid(2) of a pid that cannot exist (above pid_max's hard limit of 2^22).
        Marshal.SetLastPInvokeError(0);
        var error = Assert.Throws<NativeCallException>(() => NativeCallException.ThrowIfFailed(Libc.getpgid(1 << 23), "getpgid"));
        Assert.Equal(Errno.ESRCH, error.ErrorNumber);
        Assert.StartsWith("getpgid: ESRCH (", error.Message);
    }

    [Fact]
    public void An_exit_reads_as_its_code_and_uptime()
    {
        var status = new ExitStatus(42, 3, null, false, TimeSpan.FromMilliseconds(1234.4));

        Assert.True(status.Exited);
        Assert.False(status.Signaled);
        Assert.False(status.OomKilled);
        Assert.Null(status.SignalName);
        Assert.Equal("pid 42 exited with code 3 after 1234 ms", status.ToString());
    }

    [Fact]
    public void A_signal_death_reads_as_the_signal_its_core_dump_and_uptime()
    {
        var status = new ExitStatus(7, null, SignalNames.SIGSEGV, true, TimeSpan.FromMilliseconds(89));

        Assert.False(status.Exited);
        Assert.True(status.Signaled);
        Assert.Equal("SIGSEGV", status.SignalName);
        Assert.Equal("pid 7 killed by SIGSEGV (11), core dumped, after 89 ms", status.ToString());
        Assert.Equal("pid 7 killed by SIGTERM (15) after 5 ms",
            new ExitStatus(7, null, SignalNames.SIGTERM, false, TimeSpan.FromMilliseconds(5)).ToString());
    }

    [Fact]
    public void Only_a_SIGKILL_with_a_counted_oom_kill_is_an_oom_kill()
    {
        var oom = new ExitStatus(9, null, SignalNames.SIGKILL, false, TimeSpan.FromMilliseconds(10)) { OomKillCount = 1 };
        Assert.True(oom.OomKilled);
        Assert.Equal("pid 9 killed by SIGKILL (9) (OOM kill) after 10 ms", oom.ToString());

        Assert.False((oom with { OomKillCount = 0 }).OomKilled);
        Assert.False((oom with { OomKillCount = null }).OomKilled);
        Assert.False((oom with { Signal = SignalNames.SIGTERM }).OomKilled);
        Assert.Equal("pid 9 killed by SIGKILL (9) after 10 ms", (oom with { OomKillCount = 0 }).ToString());
    }
}

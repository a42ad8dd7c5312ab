using UmhActors.Native.Interop;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests;

/// <summary>A failed system call surfaces as a <see cref="NativeCallException"/> naming the call and errno.</summary>
public sealed class NativeCallExceptionTests
{
    [Fact]
    public async Task Writing_to_a_helper_that_closed_its_stdin_fails_naming_write_and_EPIPE()
    {
        using var blob = TestBlobs.System("true");
        await using var process = HelperLauncher.Launch(blob);
        await process.Exited.WaitAsync(ProcessText.Timeout);
        var error = await Assert.ThrowsAsync<NativeCallException>(async () => await process.Stdin!.WriteAsync(new byte[] { 1, 2, 3 }));
        Assert.Equal("write", error.Call);
        Assert.Equal(Errno.EPIPE, error.ErrorNumber);
        Assert.Equal("EPIPE", error.ErrorName);
        Assert.Equal("write: EPIPE (Broken pipe)", error.Message);
    }

    [Fact]
    public void The_message_names_the_call_the_errno_and_its_meaning()
    {
        var error = new NativeCallException("pidfd_open", Errno.ESRCH);
        Assert.Equal("pidfd_open: ESRCH (No such process)", error.Message);
        Assert.Equal(Errno.ESRCH, error.HResult);
    }
}

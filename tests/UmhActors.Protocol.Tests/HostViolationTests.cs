using System.Text;
using UmhActors.Protocol.Runtime;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>What the C# helper runtime does when the host, not the helper, breaks the protocol.</summary>
public sealed class HostViolationTests
{
    [Fact]
    public async Task Bytes_that_are_no_frame_make_the_helper_exit_with_code_3_saying_why()
    {
        await using var helper = Helpers.StartCSharp();
        var stderr = helper.Process.Stderr!.ReadToEndAsync();
        // 0xc1 is the one byte MessagePack never uses.
        await helper.Process.Stdin!.WriteAsync(new byte[] { 0xc1, 0xc1, 0xc1 });
        var exit = await helper.Process.Exited.WaitAsync(HelperConnection.Timeout);
        Assert.Equal(HelperRuntime.ProtocolViolationExitCode, exit.ExitCode);
        Assert.Equal(3, exit.ExitCode);
        Assert.StartsWith("testhelper: ", Encoding.UTF8.GetString(await stderr.WaitAsync(HelperConnection.Timeout)));
    }

    [Fact]
    public async Task A_frame_that_breaks_the_limits_makes_the_helper_exit_with_code_3()
    {
        await using var helper = Helpers.StartCSharp();
        // [0, 1, <str32 declaring 4 GiB>: refused from its header, like any oversized frame.
        await helper.Process.Stdin!.WriteAsync(new byte[] { 0x94, 0x00, 0x01, 0xdb, 0xff, 0xff, 0xff, 0xff });
        Assert.Equal(3, (await helper.Process.Exited.WaitAsync(HelperConnection.Timeout)).ExitCode);
    }
}

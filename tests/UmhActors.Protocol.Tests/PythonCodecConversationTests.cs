using UmhActors.Protocol.Control;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>The Python helper's whole conversation with its own small MessagePack codec, which
/// machines without python3-msgpack use (CI installs python3-msgpack, so it must be forced).</summary>
public sealed class PythonBuiltinCodecConversationTests : HelperConversationTests
{
    protected override HelperConnection Start() => Helpers.StartPython("builtin");

    protected override string ExpectedName => "pyhelper";

    [Fact]
    public async Task The_helper_speaks_through_its_builtin_codec()
    {
        await using var helper = Start();
        var hello = ControlFrames.ReadHello(await helper.NextNotificationAsync(ControlMethods.Hello));
        Assert.Contains("codec:builtin", hello.Capabilities);
    }
}

/// <summary>The Python helper's whole conversation through python3-msgpack (required: the helper
/// exits with code 2 where it is not installed, and these tests fail saying so).</summary>
public sealed class PythonMsgpackCodecConversationTests : HelperConversationTests
{
    protected override HelperConnection Start() => Helpers.StartPython("msgpack");

    protected override string ExpectedName => "pyhelper";

    [Fact]
    public async Task The_helper_speaks_through_python3_msgpack()
    {
        await using var helper = Start();
        var hello = ControlFrames.ReadHello(await helper.NextNotificationAsync(ControlMethods.Hello));
        Assert.Contains("codec:msgpack", hello.Capabilities);
    }
}

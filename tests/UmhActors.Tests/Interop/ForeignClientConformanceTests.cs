using System.Text.Json;

namespace UmhActors.Tests.Interop;

/// <summary>
/// The msgpack-rpc client of an implementation written by others drives the C# test helper (the
/// NativeAOT helper on our runtime), spawned by that client as a child over pipes: calls (one with
/// its method name in bin), an unknown method's error, notifications both ways (<c>$/cancel</c> and
/// <c>notify_back</c> to the helper, <c>cancelled</c> and <c>notified</c> from it, an unknown one
/// ignored), and the helper's exit on stdin EOF.
/// The client script runs once per class and prints what it saw; each test checks one part.
/// </summary>
public abstract class ForeignClientConformanceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    protected abstract Task<IReadOnlyDictionary<string, JsonElement>> Report { get; }

    protected static Task<IReadOnlyDictionary<string, JsonElement>> Run(string interpreter, string script,
        IReadOnlyDictionary<string, string>? environment = null) =>
        InteropTools.RunClientAsync(interpreter, Path.Combine(InteropTools.Directory, script), Timeout, environment);

    private async Task<JsonElement> Seen(string what) => (await Report)[what];

    private static string Json(JsonElement element) => element.GetRawText().Replace(" ", "");

    [Fact]
    public async Task The_helper_greets_the_client_with_hello_a_plain_notification()
    {
        var hello = await Seen("hello");
        Assert.Equal(1, hello[0].GetInt32());
        Assert.Equal("testhelper", hello[1].GetString());
    }

    [Fact]
    public async Task Calls_are_answered_with_their_results()
    {
        Assert.Equal("""{"error":null,"result":[1,"two",[3]]}""", Json(await Seen("echo")));
        Assert.Equal("""{"error":null,"result":5}""", Json(await Seen("add")));
    }

    [Fact]
    public async Task A_call_whose_method_name_is_bin_is_answered()
    {
        Assert.Equal("""{"error":null,"result":["bin"]}""", Json(await Seen("echo_bin_name")));
    }

    [Fact]
    public async Task An_unknown_method_is_answered_with_a_method_not_found_error()
    {
        var unknown = await Seen("unknown");
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("result").ValueKind);
        Assert.Equal(-32601, unknown.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("no_such_method", unknown.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_cancel_notification_cancels_the_call_and_the_helper_notifies_back()
    {
        var id = (await Seen("sleep_id")).GetInt32();
        Assert.Equal($"[{id}]", Json(await Seen("cancelled_notification")));
        var sleep = await Seen("sleep");
        Assert.Equal(-32800, sleep.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_notification_reaches_its_handler_which_notifies_back()
    {
        Assert.Equal("[\"x\"]", Json(await Seen("notified")));
    }

    [Fact]
    public async Task An_unknown_notification_is_ignored_and_the_helper_serves_on()
    {
        Assert.Equal("""{"error":null,"result":42}""", Json(await Seen("after_notification")));
    }

    [Fact]
    public async Task The_helper_exits_with_code_0_on_stdin_eof()
    {
        Assert.Equal("""{"code":0,"signal":null}""", Json(await Seen("exit")));
    }
}

/// <summary>msgpack5rpc (npm), under Node.</summary>
public sealed class Msgpack5RpcClientConformanceTests : ForeignClientConformanceTests
{
    private static readonly Lazy<Task<IReadOnlyDictionary<string, JsonElement>>> s_report = new(() =>
        Run(InteropTools.Node, "node/client.js", new Dictionary<string, string> { ["NODE_PATH"] = InteropTools.NodeModules }));

    protected override Task<IReadOnlyDictionary<string, JsonElement>> Report => s_report.Value;
}

/// <summary>pynvim's msgpack-rpc client (Debian's python3-pynvim), which also opens with a
/// notification named in bin (<c>nvim_set_client_info</c>).</summary>
public sealed class PynvimClientConformanceTests : ForeignClientConformanceTests
{
    private static readonly Lazy<Task<IReadOnlyDictionary<string, JsonElement>>> s_report = new(() =>
        Run(InteropTools.Python, "python/pynvim_client.py"));

    protected override Task<IReadOnlyDictionary<string, JsonElement>> Report => s_report.Value;
}

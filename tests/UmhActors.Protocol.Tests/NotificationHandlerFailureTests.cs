using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>A notification handler's bug is reported, like a request handler's, and costs nothing else.</summary>
public sealed class NotificationHandlerFailureTests
{
    [Fact]
    public async Task A_throwing_notification_handler_is_logged_as_an_error_and_the_helper_keeps_serving()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.SendAsync(o => FrameWriter.WriteNotification(o, "throw", Pack.Array()));

        var log = ControlFrames.ReadLog(await helper.NextNotificationAsync(ControlMethods.Log));
        Assert.Equal(HelperLogLevel.Error, log.Level);
        Assert.Contains("throw", log.Message);
        Assert.Contains("thrown by the notification handler", log.Message);
        Assert.Equal(Pack.Json(Pack.Value(5)), Pack.Json((await helper.RequestAsync("add", Pack.Array(2, 3))).Result));
        Assert.False(helper.Process.HasExited);
    }
}

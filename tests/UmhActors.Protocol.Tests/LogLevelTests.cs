using System.Buffers;
using MessagePack;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>$/log levels as other languages' helpers may write them.</summary>
public sealed class LogLevelTests
{
    [Theory]
    [InlineData("trace", HelperLogLevel.Trace)]
    [InlineData("debug", HelperLogLevel.Debug)]
    [InlineData("info", HelperLogLevel.Info)]
    [InlineData("warn", HelperLogLevel.Warn)]
    [InlineData("warning", HelperLogLevel.Warn)]
    [InlineData("error", HelperLogLevel.Error)]
    [InlineData("notice", HelperLogLevel.Info)]
    [InlineData("FATAL", HelperLogLevel.Info)]
    [InlineData("", HelperLogLevel.Info)]
    public void Known_levels_read_as_themselves_and_unknown_ones_as_info(string level, HelperLogLevel expected)
    {
        Assert.Equal(expected, ReadLevel(level));
    }

    private static HelperLogLevel ReadLevel(string level)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(3);
        writer.Write(2);
        writer.Write(ControlMethods.Log);
        writer.WriteArrayHeader(3);
        writer.Write(level);
        writer.Write("message");
        writer.WriteMapHeader(0);
        writer.Flush();
        var bytes = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(new FrameDecoder().TryDecode(ref bytes, out var frame));
        var log = ControlFrames.ReadLog(frame);
        Assert.Equal("message", log.Message);
        return log.Level;
    }
}

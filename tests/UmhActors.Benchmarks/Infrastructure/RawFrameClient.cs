using System.Buffers;
using UmhActors.Protocol.Framing;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// Frames over two plain streams, no actor, no reactor, decoded with the library's decoder:
/// blocking calls for the raw baseline, async calls for what a .NET service would write by hand.
/// </summary>
internal sealed class RawFrameClient(Stream toHelper, Stream fromHelper)
{
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private readonly FrameDecoder _decoder = new();
    private byte[] _in = new byte[256 * 1024];
    private int _filled;
    private uint _msgId;

    /// <summary>Skips frames until the helper's <c>$/hello</c>.</summary>
    public void WaitForHello() => ReadFrames(1, frame => frame.Method == "$/hello");

    /// <summary>Queues one request (not yet written).</summary>
    public void Queue(string method, ReadOnlySpan<byte> rawParams) => FrameWriter.WriteRequest(_out, ++_msgId, method, rawParams);

    /// <summary>Writes everything queued in one write.</summary>
    public void Send()
    {
        toHelper.Write(_out.WrittenSpan);
        toHelper.Flush();
        _out.ResetWrittenCount();
    }

    /// <summary>Reads until <paramref name="count"/> responses have arrived.</summary>
    public void ReadResponses(int count) => ReadFrames(count, frame => frame.Kind == FrameKind.Response);

    /// <summary>Reads until at least one response has arrived; returns how many did (all the read
    /// brought), for a client that keeps a window full by sending one request per answer.</summary>
    public int ReadSomeResponses()
    {
        var seen = CountDecoded(int.MaxValue, frame => frame.Kind == FrameKind.Response);
        while (seen == 0)
        {
            if (_filled == _in.Length) Array.Resize(ref _in, _in.Length * 2);
            var n = fromHelper.Read(_in, _filled, _in.Length - _filled);
            if (n == 0) throw new EndOfStreamException("the helper closed its stdout");
            _filled += n;
            seen += CountDecoded(int.MaxValue, frame => frame.Kind == FrameKind.Response);
        }
        return seen;
    }

    /// <summary>Writes everything queued, asynchronously.</summary>
    public async Task SendAsync()
    {
        await toHelper.WriteAsync(_out.WrittenMemory);
        await toHelper.FlushAsync();
        _out.ResetWrittenCount();
    }

    /// <summary>Reads until <paramref name="count"/> responses have arrived, asynchronously.</summary>
    public async Task ReadResponsesAsync(int count)
    {
        var seen = CountDecoded(count, frame => frame.Kind == FrameKind.Response);
        while (seen < count)
        {
            if (_filled == _in.Length) Array.Resize(ref _in, _in.Length * 2);
            var n = await fromHelper.ReadAsync(_in.AsMemory(_filled));
            if (n == 0) throw new EndOfStreamException("the helper closed its stdout");
            _filled += n;
            seen += CountDecoded(count - seen, frame => frame.Kind == FrameKind.Response);
        }
    }

    private void ReadFrames(int count, Func<Frame, bool> counts)
    {
        var seen = CountDecoded(count, counts);
        while (seen < count)
        {
            if (_filled == _in.Length) Array.Resize(ref _in, _in.Length * 2);
            var n = fromHelper.Read(_in, _filled, _in.Length - _filled);
            if (n == 0) throw new EndOfStreamException("the helper closed its stdout");
            _filled += n;
            seen += CountDecoded(count - seen, counts);
        }
    }

    private int CountDecoded(int wanted, Func<Frame, bool> counts)
    {
        var seen = 0;
        var sequence = new ReadOnlySequence<byte>(_in, 0, _filled);
        while (seen < wanted && _decoder.TryDecode(ref sequence, out var frame))
            if (counts(frame)) seen++;
        var rest = (int)sequence.Length;
        _in.AsSpan(_filled - rest, rest).CopyTo(_in);
        _filled = rest;
        return seen;
    }
}

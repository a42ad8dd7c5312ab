using System.Buffers;
using MessagePack;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

[MessagePackObject]
public sealed record AddParams([property: Key(0)] int A, [property: Key(1)] int B);

public sealed class FrameCodecTests
{
    private static List<Frame> DecodeAll(byte[] bytes, FrameDecoder? decoder = null)
    {
        decoder ??= new FrameDecoder();
        var buffer = new ReadOnlySequence<byte>(bytes);
        var frames = new List<Frame>();
        while (decoder.TryDecode(ref buffer, out var frame)) frames.Add(frame.Detach());
        decoder.Complete(buffer);
        return frames;
    }

    [Fact]
    public void Request_round_trips_with_raw_params()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, 42, "add", Pack.Array(2, 3));
        var frame = Assert.Single(DecodeAll(output.WrittenSpan.ToArray()));
        Assert.Equal(FrameKind.Request, frame.Kind);
        Assert.Equal(42u, frame.MsgId);
        Assert.Equal("add", frame.Method);
        Assert.Equal(Pack.Array(2, 3), frame.Params.ToArray());
        Assert.True(frame.Result.IsEmpty);
    }

    [Fact]
    public void Request_bytes_match_the_documented_hex()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, 1, "add", [0x92, 0x02, 0x03]);
        Assert.Equal("94 00 01 a3 61 64 64 92 02 03", Convert.ToHexString(output.WrittenSpan).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b));
    }

    [Fact]
    public void Typed_request_round_trips_through_a_message_pack_object()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, uint.MaxValue, "add", new AddParams(2, 3), MessagePackSerializerOptions.Standard);
        var frame = Assert.Single(DecodeAll(output.WrittenSpan.ToArray()));
        Assert.Equal(uint.MaxValue, frame.MsgId);
        Assert.Equal(new AddParams(2, 3), frame.GetParams<AddParams>());
    }

    [Fact]
    public void Successful_response_round_trips_with_typed_result()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteResponse(output, 7, "five", MessagePackSerializerOptions.Standard);
        var frame = Assert.Single(DecodeAll(output.WrittenSpan.ToArray()));
        Assert.Equal(FrameKind.Response, frame.Kind);
        Assert.Equal(7u, frame.MsgId);
        Assert.False(frame.IsError);
        Assert.Null(frame.GetError());
        Assert.Equal("five", frame.GetResult<string>());
        Assert.Equal("", frame.Method);
    }

    [Fact]
    public void Error_response_round_trips_as_code_and_message()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteErrorResponse(output, 8, new RpcError(RpcErrorCodes.MethodNotFound, "no"));
        var frame = Assert.Single(DecodeAll(output.WrittenSpan.ToArray()));
        Assert.True(frame.IsError);
        Assert.Equal(new RpcError(-32601, "no"), frame.GetError());
        Assert.Equal([0xc0], frame.Result.ToArray());
    }

    [Fact]
    public void Error_that_is_a_bare_string_reads_as_unknown_code()
    {
        var frame = Assert.Single(DecodeAll(Pack.Array(1, 3, "boom", null)));
        Assert.Equal(new RpcError(RpcErrorCodes.Unknown, "boom"), frame.GetError());
    }

    [Fact]
    public void Notification_round_trips_with_raw_and_typed_params()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteNotification(output, "progress", Pack.Array(50));
        FrameWriter.WriteNotification(output, "progress", new AddParams(1, 1), MessagePackSerializerOptions.Standard);
        var frames = DecodeAll(output.WrittenSpan.ToArray());
        Assert.Equal(2, frames.Count);
        Assert.All(frames, f => Assert.Equal(FrameKind.Notification, f.Kind));
        Assert.Equal(Pack.Array(50), frames[0].Params.ToArray());
        Assert.Equal(new AddParams(1, 1), frames[1].GetParams<AddParams>());
    }

    [Fact]
    public void Frames_split_byte_by_byte_decode_like_whole_ones()
    {
        var output = new ArrayBufferWriter<byte>();
        for (uint i = 0; i < 20; i++) FrameWriter.WriteRequest(output, i, "echo", Pack.Array(i, new string('x', (int)i * 10)));
        var bytes = output.WrittenSpan.ToArray();

        var decoder = new FrameDecoder();
        var frames = new List<Frame>();
        var pending = new List<byte>();
        foreach (var b in bytes)
        {
            pending.Add(b);
            // A fresh array each time, as a reader that copies into a new buffer would produce.
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (decoder.TryDecode(ref buffer, out var frame)) frames.Add(frame.Detach());
            pending = [.. buffer.ToArray()];
        }

        Assert.Empty(pending);
        Assert.Equal(20, frames.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (uint)i), frames.Select(f => f.MsgId));
        Assert.Equal(Pack.Array(19u, new string('x', 190)), frames[19].Params.ToArray());
    }

    [Fact]
    public void Frame_split_across_segments_resumes_where_it_stopped()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, 3, "echo", Pack.Array(Enumerable.Range(0, 1000).ToArray()));
        var bytes = output.WrittenSpan.ToArray();
        var decoder = new FrameDecoder();
        // Growing views over one array keep the same start, which is what lets the scanner resume.
        for (var length = 1; length < bytes.Length; length += 97)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.False(decoder.TryDecode(ref partial, out _));
        }
        var whole = new ReadOnlySequence<byte>(bytes);
        Assert.True(decoder.TryDecode(ref whole, out var frame));
        Assert.True(whole.IsEmpty);
        Assert.Equal(Pack.Array(Enumerable.Range(0, 1000).ToArray()), frame.Params.ToArray());
    }

    [Fact]
    public void Many_frames_in_one_read_decode_in_order_with_stream_offsets()
    {
        var output = new ArrayBufferWriter<byte>();
        for (uint i = 1; i <= 1000; i++) FrameWriter.WriteNotification(output, "tick", Pack.Array(i));
        var frames = DecodeAll(output.WrittenSpan.ToArray());
        Assert.Equal(1000, frames.Count);
        Assert.Equal(0, frames[0].ByteOffset);
        Assert.True(frames[1].ByteOffset > 0);
        Assert.Equal(Pack.Array(1000u), frames[^1].Params.ToArray());
    }

    [Fact]
    public void Repeated_method_names_are_the_same_string_instance()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteNotification(output, "tick", Pack.Array(1));
        FrameWriter.WriteNotification(output, "tick", Pack.Array(2));
        var frames = DecodeAll(output.WrittenSpan.ToArray());
        Assert.Same(frames[0].Method, frames[1].Method);
    }

    [Fact]
    public void Large_payload_in_one_segment_is_a_slice_not_a_copy()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, 1, "blob", Pack.Value(new byte[1024 * 1024]).AsSpan());
        var bytes = output.WrittenSpan.ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(new FrameDecoder().TryDecode(ref buffer, out var frame));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"decoding a 1 MiB frame allocated {allocated} bytes");
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Params, out var segment));
        Assert.Same(bytes, segment.Array);
    }

    [Fact]
    public void Read_buffer_grows_for_a_frame_larger_than_itself_read_in_small_chunks()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteNotification(output, "small", [0x90]);
        FrameWriter.WriteRequest(output, 1, "big", Pack.Value(new string('x', 100_000)).AsSpan());
        FrameWriter.WriteNotification(output, "small", [0x90]);
        var bytes = output.WrittenSpan.ToArray();

        var input = new FrameReadBuffer(initialSize: 1024);
        var methods = new List<string>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var memory = input.GetMemory();
            var count = Math.Min(Math.Min(memory.Length, 333), bytes.Length - offset);
            bytes.AsSpan(offset, count).CopyTo(memory.Span);
            input.Advance(count);
            offset += count;
            while (input.TryReadFrame(out var frame)) methods.Add(frame.Method);
        }
        input.Complete();
        Assert.Equal(["small", "big", "small"], methods);
    }
}

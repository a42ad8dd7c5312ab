using System.Buffers;
using CsCheck;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Protocol;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;

namespace UmhActors.Tests.Helpers;

/// <summary>The host's request check and the helper's frame decoder agree, on random params near
/// and past every limit (valid, truncated, with trailing bytes, with a byte overwritten): the host
/// sends exactly what the helper accepts, so a request it lets through cannot kill the helper.</summary>
public sealed class RequestValidatorAgreementTests
{
    private static readonly DecoderLimits Small = DecoderLimits.Default with
    {
        MaxDepth = 4, MaxCollectionLength = 4, MaxStringLength = 4, MaxMethodNameLength = 8, // the frame array itself has 4 entries
    };

    [Fact]
    public void The_request_check_accepts_exactly_what_the_helpers_decoder_accepts()
    {
        var gen = Gen.Select(Gen.Int[0, 255].Array[1, 60], Gen.Int[0, 3], Gen.Int[0, 1000], Gen.Byte);
        var (iterations, seconds) = StatefulBudget.For(3_000);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        gen.Sample((shape, mutation, where, value) =>
        {
            var rawParams = Mutate(Build(shape), mutation, where, value);
            var hostSays = RequestValidator.Check(new HelperRequest("m", rawParams), "h", Small);
            var helperSays = Decode(rawParams);
            Assert.True((hostSays is null) == (helperSays is null),
                $"params {Convert.ToHexString(rawParams)}: host says {hostSays?.Message ?? "ok"}, helper says {helperSays?.ToString() ?? "ok"}");
            if (hostSays is InvalidHelperRequestException invalid)
                Assert.Equal(Expected(helperSays!.Value), invalid.Problem);
            seen.AddOrUpdate((hostSays as InvalidHelperRequestException)?.Problem.ToString() ?? "accepted", 1, (_, n) => n + 1);
        }, iter: iterations, time: seconds, threads: 1);

        // The generator reaches every outcome, or the agreement would prove little.
        foreach (var outcome in new[] { "accepted", "MalformedParams", "StringTooLong", "CollectionTooLong", "NestingTooDeep" })
            Assert.True(seen.ContainsKey(outcome), $"no sample was {outcome}: {string.Join(", ", seen)}");
    }

    // The helper's view: the whole request frame through its decoder; null when accepted.
    private static ProtocolViolationReason? Decode(byte[] rawParams)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, 1, "m", rawParams);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        try
        {
            if (!new FrameDecoder(Small).TryDecode(ref buffer, out _)) return ProtocolViolationReason.TruncatedAtEndOfStream;
            return buffer.IsEmpty ? null : ProtocolViolationReason.Malformed; // trailing bytes start a bad next frame
        }
        catch (ProtocolViolationException violation)
        {
            return violation.Reason;
        }
    }

    private static HelperRequestProblem Expected(ProtocolViolationReason reason) => reason switch
    {
        ProtocolViolationReason.StringTooLong => HelperRequestProblem.StringTooLong,
        ProtocolViolationReason.CollectionTooLong => HelperRequestProblem.CollectionTooLong,
        ProtocolViolationReason.NestingTooDeep => HelperRequestProblem.NestingTooDeep,
        _ => HelperRequestProblem.MalformedParams,
    };

    private static byte[] Mutate(byte[] bytes, int mutation, int where, byte value)
    {
        if (bytes.Length == 0) return bytes;
        return mutation switch
        {
            1 => bytes[..(where % bytes.Length)],       // truncated
            2 => [.. bytes, value],                      // a trailing byte
            3 => Overwrite(bytes, where % bytes.Length, value),
            _ => bytes,
        };
    }

    private static byte[] Overwrite(byte[] bytes, int index, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }

    // A random value shaped by the numbers in `shape`, near and past the small limits.
    private static byte[] Build(int[] shape)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        var next = 0;
        int Next() => shape[next++ % shape.Length];
        void Value(ref MessagePackWriter w, int depth)
        {
            var kind = depth > 6 ? Next() % 4 : Next() % 9;
            switch (kind)
            {
                case 0: w.WriteNil(); break;
                case 1: w.Write(Next() * 1_000_003L - 100); break;
                case 2: w.Write(new string('s', Next() % 7)); break;
                case 3: w.Write(new byte[Next() % 7]); break;
                case 4 or 5:
                {
                    var n = Next() % 7;
                    w.WriteArrayHeader(n);
                    for (var i = 0; i < n; i++) Value(ref w, depth + 1);
                    break;
                }
                case 6:
                {
                    var n = Next() % 6;
                    w.WriteMapHeader(n);
                    for (var i = 0; i < 2 * n; i++) Value(ref w, depth + 1);
                    break;
                }
                case 7: w.WriteExtensionFormat(new ExtensionResult(5, new byte[Next() % 7])); break;
                default: w.Write(Next() / 7.0); break;
            }
        }
        Value(ref writer, 0);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}

using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using UmhActors.Protocol.Control;

namespace UmhActors.Protocol.Runtime;

// Typed handlers that need no formatter argument: each type's formatter comes from the builder's
// resolver chain (see TypedFormatters), checked when the runtime is built.
public sealed partial class HelperRuntimeBuilder
{
    private readonly TypedFormatters _formatters = new();

    /// <summary>Registers a hand-written (NativeAOT-safe) formatter for <typeparamref name="T"/>, used by
    /// typed handlers for <typeparamref name="T"/> and, unless registered otherwise, for
    /// <c>T[]</c>, <c>List&lt;T&gt;</c> and <c>Dictionary&lt;string, T&gt;</c>.</summary>
    public HelperRuntimeBuilder WithFormatter<T>(IMessagePackFormatter<T> formatter)
    {
        _formatters.Register(formatter ?? throw new ArgumentNullException(nameof(formatter)));
        return this;
    }

    /// <summary>Adds a resolver consulted after the formatters registered with <see cref="WithFormatter{T}"/>
    /// and before MessagePack's built-in ones: for example one generated ahead of time by MessagePack's
    /// <c>mpc</c> tool. It must not generate code at run time (the dynamic resolvers do; NativeAOT has no JIT).</summary>
    public HelperRuntimeBuilder WithResolver(IFormatterResolver resolver)
    {
        _formatters.Add(resolver ?? throw new ArgumentNullException(nameof(resolver)));
        return this;
    }

    /// <summary>Registers a synchronous typed handler, run on the thread pool: params are read as
    /// <typeparamref name="TParams"/> and the result written as <typeparamref name="TResult"/> with the
    /// formatters of <see cref="WithFormatter{T}"/>, <see cref="WithResolver"/> and MessagePack's built-in
    /// ones (primitives, strings, arrays and lists, string-keyed maps of primitives). Params that do not
    /// fit fail the request with <see cref="RpcErrorCodes.InvalidParams"/>.</summary>
    /// <remarks><see cref="Build"/> throws when a type has no formatter.</remarks>
    public HelperRuntimeBuilder Handle<TParams, TResult>(string method, Func<TParams, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Handle<TParams, TResult>(method, (p, _) => ValueTask.FromResult(handler(p)));
    }

    /// <summary>Registers an asynchronous typed handler, given the request's cancellation token;
    /// otherwise as <see cref="Handle{TParams, TResult}(string, Func{TParams, TResult})"/>.</summary>
    public HelperRuntimeBuilder Handle<TParams, TResult>(string method, Func<TParams, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _formatters.Require<TParams>();
        _formatters.Require<TResult>();
        var formatters = _formatters;
        return Add(method, new Handler(async context =>
        {
            var options = formatters.Options;
            var result = await handler(ReadParams<TParams>(context, options), context.CancellationToken).ConfigureAwait(false);
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            options.Resolver.GetFormatter<TResult>()!.Serialize(ref writer, result, options);
            writer.Flush();
            return buffer.WrittenMemory;
        }, Inline: false));
    }

    private static T ReadParams<T>(RequestContext context, MessagePackSerializerOptions options)
    {
        try
        {
            var reader = new MessagePackReader(context.Params);
            var value = options.Resolver.GetFormatter<T>()!.Deserialize(ref reader, options);
            if (!reader.End) throw new MessagePackSerializationException($"{context.Params.Length - reader.Consumed} bytes after the params value");
            return value;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            throw new RpcException(RpcErrorCodes.InvalidParams, $"params of {context.Method} are not a {typeof(T).Name}: {e.Message}");
        }
    }
}

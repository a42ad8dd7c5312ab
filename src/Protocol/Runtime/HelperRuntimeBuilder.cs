using MessagePack.Formatters;
using UmhActors.Protocol.Framing;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// Configures a <see cref="HelperRuntime"/>: handlers by method name, capabilities, limits, streams.
/// Obtain one from <see cref="HelperRuntime.CreateBuilder"/>.
/// </summary>
/// <remarks>Handlers registered with <c>Handle</c> run concurrently on the thread pool, many in
/// flight at once. <see cref="HandleInline"/> handlers and notification handlers run on the reader
/// loop itself: nothing else is read (not even <c>$/ping</c>) until they return.</remarks>
public sealed partial class HelperRuntimeBuilder
{
    private readonly Dictionary<string, Handler> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action<RequestContext>> _notifications = new(StringComparer.Ordinal);
    private readonly List<string> _capabilities = [];
    private Action<HelperRuntime>? _onStarted;
    private DecoderLimits _limits = DecoderLimits.Default;
    private Stream? _input;
    private Stream? _output;

    internal HelperRuntimeBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The name announced in <c>$/hello</c>.</summary>
    public string Name { get; }

    /// <summary>Registers an asynchronous raw handler: params in, one encoded MessagePack result value out.</summary>
    public HelperRuntimeBuilder Handle(string method, Func<RequestContext, ValueTask<ReadOnlyMemory<byte>>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, new Handler(handler, Inline: false));
    }

    /// <summary>Registers a synchronous raw handler, run on the thread pool.</summary>
    public HelperRuntimeBuilder Handle(string method, Func<RequestContext, ReadOnlyMemory<byte>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, new Handler(context => ValueTask.FromResult(handler(context)), Inline: false));
    }

    /// <summary>Registers an asynchronous typed handler using explicit formatters (NativeAOT-safe).
    /// Params that do not fit <typeparamref name="TParams"/> fail with <see cref="Control.RpcErrorCodes.InvalidParams"/>.</summary>
    public HelperRuntimeBuilder Handle<TParams, TResult>(string method, IMessagePackFormatter<TParams> paramsFormatter,
        IMessagePackFormatter<TResult> resultFormatter, Func<TParams, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(paramsFormatter);
        ArgumentNullException.ThrowIfNull(resultFormatter);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, new Handler(async context =>
        {
            var result = await handler(TypedParams.Read(context, paramsFormatter), context.CancellationToken).ConfigureAwait(false);
            return PayloadCodec.ToBytes(result, resultFormatter);
        }, Inline: false));
    }

    /// <summary>Registers a synchronous typed handler using explicit formatters (NativeAOT-safe), run on the thread pool.</summary>
    public HelperRuntimeBuilder Handle<TParams, TResult>(string method, IMessagePackFormatter<TParams> paramsFormatter,
        IMessagePackFormatter<TResult> resultFormatter, Func<TParams, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Handle<TParams, TResult>(method, paramsFormatter, resultFormatter, (p, _) => ValueTask.FromResult(handler(p)));
    }

    /// <summary>Registers a synchronous raw handler that runs on the reader loop, for answers cheaper
    /// than a thread-pool hop. Blocking in it blocks the whole helper, pings included; answers given
    /// before it (and meanwhile on other threads) are still written, about a millisecond after it started.</summary>
    public HelperRuntimeBuilder HandleInline(string method, Func<RequestContext, ReadOnlyMemory<byte>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, new Handler(context => ValueTask.FromResult(handler(context)), Inline: true));
    }

    /// <summary>Registers a handler for host → helper notifications of <paramref name="method"/>; runs on the reader loop.</summary>
    public HelperRuntimeBuilder OnNotification(string method, Action<RequestContext> handler)
    {
        CheckMethod(method);
        ArgumentNullException.ThrowIfNull(handler);
        _notifications[method] = handler;
        return this;
    }

    /// <summary>Adds capability names announced in <c>$/hello</c>.</summary>
    public HelperRuntimeBuilder WithCapabilities(params string[] capabilities)
    {
        _capabilities.AddRange(capabilities);
        return this;
    }

    /// <summary>Limits applied to frames from the host (default <see cref="DecoderLimits.Default"/>).</summary>
    public HelperRuntimeBuilder WithLimits(DecoderLimits limits)
    {
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
        return this;
    }

    /// <summary>Streams to use instead of the process's stdin and stdout (for in-process tests).</summary>
    public HelperRuntimeBuilder WithStreams(Stream input, Stream output)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        return this;
    }

    /// <summary>Runs <paramref name="callback"/> once <c>$/hello</c> is queued and before the first frame is
    /// read: the place for a helper program to set <c>prctl(PR_SET_PDEATHSIG)</c>, which this assembly
    /// cannot call. Beware: the kernel sends the parent-death signal when the <em>thread</em> that
    /// spawned the helper exits, and .NET hosts may spawn from thread-pool threads that retire, so
    /// it can kill a healthy helper. Stdin EOF is the guaranteed parent-death mechanism.</summary>
    public HelperRuntimeBuilder OnStarted(Action<HelperRuntime> callback)
    {
        _onStarted = callback ?? throw new ArgumentNullException(nameof(callback));
        return this;
    }

    /// <summary>Builds the runtime; call <see cref="HelperRuntime.Run"/> or <see cref="HelperRuntime.RunAsync"/> on it.</summary>
    /// <exception cref="InvalidOperationException">A typed handler's params or result type has no formatter.</exception>
    public HelperRuntime Build()
    {
        _formatters.Freeze();
        return new(Name, new Dictionary<string, Handler>(_handlers, StringComparer.Ordinal),
            new Dictionary<string, Action<RequestContext>>(_notifications, StringComparer.Ordinal), [.. _capabilities], _limits,
            _input ?? Console.OpenStandardInput(), _output ?? Console.OpenStandardOutput(), _onStarted);
    }

    private HelperRuntimeBuilder Add(string method, Handler handler)
    {
        CheckMethod(method);
        _handlers[method] = handler;
        return this;
    }

    private static void CheckMethod(string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (Control.ControlMethods.IsControl(method))
            throw new ArgumentException($"'{method}' starts with the reserved prefix '{Control.ControlMethods.Prefix}'", nameof(method));
    }
}

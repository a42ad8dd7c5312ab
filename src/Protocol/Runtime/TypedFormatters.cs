using MessagePack;
using MessagePack.Formatters;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// The formatters typed handlers use, without reflection or run-time code generation (NativeAOT-safe):
/// formatters registered by hand (with arrays, lists and string-keyed maps of each made for it at
/// registration, where its type is known at compile time), then the user's resolvers (e.g. generated
/// ahead of time), then MessagePack's formatters for primitives, strings, byte arrays, arrays and
/// lists of them, and string-keyed maps of them (<see cref="PrimitiveFormatters"/>).
/// </summary>
internal sealed class TypedFormatters : IFormatterResolver
{
    private readonly Dictionary<Type, object> _registered = [];
    private readonly List<IFormatterResolver> _resolvers = [];
    private readonly List<(Type Type, Func<bool> Resolves)> _required = [];
    private MessagePackSerializerOptions? _options;
    private volatile bool _frozen;

    /// <summary>Options carrying this resolver, hardened for untrusted data; made on first use after
    /// <see cref="Freeze"/>, by typed handlers only: constructing serializer options roots a MessagePack
    /// member NativeAOT cannot compile (see Aot/MessagePack.Substitutions.xml), so helpers without
    /// typed handlers must never reach this code.</summary>
    public MessagePackSerializerOptions Options
    {
        get
        {
            if (!_frozen) throw new InvalidOperationException("the helper runtime was not built");
            return _options ??= new MessagePackSerializerOptions(this).WithSecurity(MessagePackSecurity.UntrustedData);
        }
    }

    public void Register<T>(IMessagePackFormatter<T> formatter)
    {
        CheckOpen();
        _registered[typeof(T)] = formatter;
        // Made here, where T is known at compile time: no MakeGenericType at run time.
        _registered.TryAdd(typeof(T[]), new ArrayFormatter<T>());
        _registered.TryAdd(typeof(List<T>), new ListFormatter<T>());
        _registered.TryAdd(typeof(Dictionary<string, T>), new StringKeyedMapFormatter<T>());
    }

    public void Add(IFormatterResolver resolver)
    {
        CheckOpen();
        _resolvers.Add(resolver);
    }

    /// <summary>Notes that a typed handler needs <typeparamref name="T"/>; <see cref="Freeze"/> checks it.</summary>
    public void Require<T>()
    {
        CheckOpen();
        _required.Add((typeof(T), () => GetFormatter<T>() is not null));
    }

    /// <summary>Ends registration and checks every required type has a formatter.</summary>
    /// <exception cref="InvalidOperationException">One has none; the message names it and the ways to add one.</exception>
    public void Freeze()
    {
        if (_frozen) return;
        var missing = _required.Where(r => !r.Resolves()).Select(r => r.Type.FullName ?? r.Type.Name).Distinct().ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"typed handlers need MessagePack formatters for {string.Join(", ", missing)}: register an IMessagePackFormatter<T> with WithFormatter, or a resolver (e.g. one generated ahead of time by mpc) with WithResolver");
        _frozen = true;
    }

    public IMessagePackFormatter<T>? GetFormatter<T>()
    {
        if (_registered.TryGetValue(typeof(T), out var registered)) return (IMessagePackFormatter<T>)registered;
        foreach (var resolver in _resolvers)
            if (resolver.GetFormatter<T>() is { } found) return found;
        return PrimitiveFormatters.Get<T>();
    }

    private void CheckOpen()
    {
        if (_frozen) throw new InvalidOperationException("formatters cannot change once the helper runtime is built");
    }
}

using System.Reflection;
using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Resolvers;

namespace UmhActors.Native;

/// <summary>
/// Initialises, while fds are free, the static state that later code would otherwise initialise
/// lazily, perhaps at a moment when the host is out of fds.
/// </summary>
/// <remarks>
/// <para>Why: a type initialiser that fails stays failed for the life of the process (every later use
/// throws <see cref="TypeInitializationException"/>), and the runtime remembers an assembly that
/// could not be opened. Loading an assembly takes an fd; so does emitting MessagePack's dynamic
/// formatters the first time (they load <c>System.Reflection.Emit</c>). An fd shortage that meets
/// the first request of the process would break every request after it.</para>
/// <para>Run by <c>HelperLauncher.Prepare</c> (the first launch) and by the ActorSystem extension's
/// start; each part is retried until it has succeeded once.</para>
/// </remarks>
internal static class StaticStateWarmup
{
    private static readonly object s_gate = new();
    private static volatile bool s_messagePackReady;

    /// <summary>Runs every class constructor of <paramref name="types"/> (and their nested types)
    /// and JIT-compiles their non-generic methods, which loads every assembly those methods name.</summary>
    /// <exception cref="IOException">An assembly could not be opened (no fd free): try again later.</exception>
    public static void PrepareTypes(IEnumerable<Type> types)
    {
        const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var type in types.SelectMany(t => t.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public).Prepend(t)))
        {
            if (type.ContainsGenericParameters) continue;
            RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method.IsAbstract || method.ContainsGenericParameters) continue;
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
        }
    }

    /// <summary>Initialises MessagePack's default options and the standard and contractless
    /// resolvers (the defaults of every client API), and formats the values requests usually carry
    /// once through each: their formatter caches are filled, and the dynamic code generator (used
    /// for user types) has loaded what it needs.</summary>
    /// <returns>False when it could not finish (an fd shortage now): the next call tries again.</returns>
    public static bool PrepareMessagePack()
    {
        if (s_messagePackReady) return true;
        lock (s_gate)
        {
            if (s_messagePackReady) return true;
            try
            {
                foreach (var options in new[]
                         {
                             MessagePackSerializer.DefaultOptions, MessagePackSerializerOptions.Standard,
                             ContractlessStandardResolver.Options, StandardResolverAllowPrivate.Options,
                         })
                {
                    var o = options.WithSecurity(MessagePackSecurity.UntrustedData);
                    RoundTrip(o, 1); RoundTrip(o, 1u); RoundTrip(o, 1L); RoundTrip(o, 1UL); RoundTrip(o, (short)1); RoundTrip(o, (byte)1);
                    RoundTrip(o, true); RoundTrip(o, 1.5); RoundTrip(o, 1.5f); RoundTrip(o, "s"); RoundTrip(o, DateTime.UnixEpoch);
                    RoundTrip(o, new byte[] { 1 }); RoundTrip(o, new[] { 1 }); RoundTrip(o, new[] { 1L }); RoundTrip(o, new[] { "s" });
                    RoundTrip(o, new[] { 1.5 }); RoundTrip(o, new object[] { 1, "s" }); RoundTrip<object>(o, new object[] { 1, "s" });
                    RoundTrip(o, new List<int> { 1 }); RoundTrip(o, new List<string> { "s" }); RoundTrip(o, new List<object> { 1 });
                    RoundTrip(o, new Dictionary<string, object> { ["k"] = 1 }); RoundTrip(o, new Dictionary<string, string> { ["k"] = "v" });
                    RoundTrip(o, new Dictionary<object, object> { ["k"] = 1 }); RoundTrip(o, new ReadOnlyMemory<byte>([1]));
                    RoundTrip(o, (1, "s")); RoundTrip(o, new KeyValuePair<string, int>("k", 1));
                }
                // The code generators' own state (each keeps a dynamic assembly), and one type emitted
                // by each kind of generator: public ones, since emitted code cannot reach internals.
                _ = (DynamicObjectResolver.Instance, DynamicContractlessObjectResolver.Instance, DynamicUnionResolver.Instance,
                    DynamicEnumResolver.Instance, DynamicGenericResolver.Instance, DynamicObjectResolverAllowPrivate.Instance);
                RoundTrip(MessagePackSerializerOptions.Standard, DayOfWeek.Monday);
                RoundTrip(ContractlessStandardResolver.Options, new System.Collections.DictionaryEntry("k", 1));
                // User types go through the object generator's analysis (int keys, string keys,
                // no attributes), which loads more of the base library; the private-access
                // generator shares it and can reach these internal samples.
                RoundTrip(StandardResolverAllowPrivate.Options, new IntKeyed { Number = 1, Text = "s" });
                RoundTrip(StandardResolverAllowPrivate.Options, new StringKeyed { Number = 1, Text = "s" });
                RoundTrip(ContractlessStandardResolverAllowPrivate.Options, new Unannotated { Number = 1, Text = "s" });
                s_messagePackReady = true;
            }
            catch (Exception e) when (e is IOException or TypeInitializationException or MessagePackSerializationException)
            {
                // Out of fds right now; whatever failed inside a type initialiser is lost for good,
                // the rest is tried again by the next caller.
            }
            return s_messagePackReady;
        }
    }

    private static void RoundTrip<T>(MessagePackSerializerOptions options, T value) =>
        _ = MessagePackSerializer.Deserialize<T>(MessagePackSerializer.Serialize(value, options), options);

    [MessagePackObject]
    internal sealed class IntKeyed
    {
        [Key(0)] public int Number { get; set; }

        [Key(1)] public string? Text { get; set; }
    }

    [MessagePackObject]
    internal sealed class StringKeyed
    {
        [Key("n")] public int Number { get; set; }

        [Key("t")] public string? Text { get; set; }
    }

    internal sealed class Unannotated
    {
        public int Number { get; set; }

        public string? Text { get; set; }
    }
}

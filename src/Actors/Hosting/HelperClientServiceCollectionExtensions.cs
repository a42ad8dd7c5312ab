using Akka.Hosting;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace UmhActors.Hosting;

/// <summary>Puts typed helper clients in DI: <c>services.AddHelperClient&lt;Shouter&gt;()</c>.</summary>
public static class HelperClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HelperClient{TKey}"/> as a singleton, talking to the actor registered
    /// under <typeparamref name="TKey"/> (with <c>WithHelper&lt;TKey&gt;</c>, or any actor answering
    /// helper requests, registered in the <see cref="ActorRegistry"/>). A second call for the same key
    /// changes nothing.
    /// </summary>
    /// <param name="services">The app's services (where <c>AddAkka</c> is called).</param>
    /// <param name="askTimeout">As for <see cref="Helpers.HelperClient"/>: the wait for a request without its own timeout.</param>
    /// <param name="options">MessagePack options for params and results.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHelperClient<TKey>(this IServiceCollection services, TimeSpan? askTimeout = null, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (askTimeout is { } timeout) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(askTimeout));
        services.TryAddSingleton(sp => new HelperClient<TKey>(sp.GetRequiredService<IRequiredActor<TKey>>(), askTimeout, options));
        return services;
    }
}

using Akka.Hosting;

namespace UmhActors.Cluster.Serialization;

/// <summary>Binds <see cref="UmhMessageSerializer"/> in an Akka.Hosting app; called by the sharded
/// helper registrations, and by itself for an app that sends helper messages over Akka.Remote without sharding.</summary>
public static class UmhClusterSerialization
{
    /// <summary>The HOCON that registers the serializer as <c>umh</c> and binds every UmhActors message
    /// that can cross nodes to it, plus <c>Status.Failure</c> (see <see cref="UmhMessageSerializer"/>).</summary>
    public const string Hocon = """
        akka.actor {
          serializers { umh = "UmhActors.Cluster.Serialization.UmhMessageSerializer, UmhActors.Cluster" }
          serialization-identifiers { "UmhActors.Cluster.Serialization.UmhMessageSerializer, UmhActors.Cluster" = 7261 }
          serialization-bindings {
            "UmhActors.Requests.HelperRequest, UmhActors" = umh
            "UmhActors.Requests.HelperResponse, UmhActors" = umh
            "UmhActors.Cluster.Sharding.ShardedHelperRequest, UmhActors.Cluster" = umh
            "UmhActors.Cluster.Sharding.ShardedHelperCancel, UmhActors.Cluster" = umh
            "UmhActors.Failures.HelperFailureException, UmhActors" = umh
            "UmhActors.Requests.HelperErrorException, UmhActors" = umh
            "UmhActors.Requests.HelperTimeoutException, UmhActors" = umh
            "UmhActors.Requests.HelperOverloadedException, UmhActors" = umh
            "UmhActors.Requests.HelperStoppedException, UmhActors" = umh
            "UmhActors.Requests.InvalidHelperRequestException, UmhActors" = umh
            "UmhActors.Requests.HelperRequestTooLargeException, UmhActors" = umh
            "Akka.Actor.Status+Failure, Akka" = umh
          }
        }
        """;

    /// <summary>Adds <see cref="Hocon"/> ahead of the app's other HOCON's fallbacks, so its
    /// <c>Status.Failure</c> binding wins over Akka.Remote's default. Idempotent.</summary>
    public static AkkaConfigurationBuilder WithUmhClusterSerialization(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHocon(Hocon, HoconAddMode.Prepend);
    }
}

namespace UmhActors.Hosting;

/// <summary>Ask a <see cref="HelperPoolActor"/> for its <see cref="HelperPoolRoutees"/>.</summary>
public sealed class GetHelperPoolRoutees
{
    /// <summary>The one instance.</summary>
    public static GetHelperPoolRoutees Instance { get; } = new();

    private GetHelperPoolRoutees() { }
}

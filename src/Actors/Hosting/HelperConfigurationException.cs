namespace UmhActors.Hosting;

/// <summary>A helper's configuration section has a key that is not an option, or a value the
/// option cannot take. <see cref="Key"/> is the full configuration path
/// (<c>UmhActors:Helpers:shouter:MaxInFlight</c>), so the message says what to fix.</summary>
public sealed class HelperConfigurationException : Exception
{
    /// <summary>A failure of <paramref name="key"/>.</summary>
    public HelperConfigurationException(string key, string problem, Exception? innerException = null)
        : base($"configuration key {key}: {problem}", innerException) => Key = key;

    /// <summary>The configuration path of the offending key.</summary>
    public string Key { get; }
}

namespace UmhActors.Requests;

/// <summary>The helper's actor stopped (by its owner or its supervisor) before answering.</summary>
public sealed class HelperStoppedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HelperStoppedException(string helperName)
        : base($"helper '{helperName}' was stopped before it answered") => HelperName = helperName;

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }
}

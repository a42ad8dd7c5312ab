namespace UmhActors.TestKit;

/// <summary>A fault cannot be injected into this helper on this machine, and nothing was done: for
/// example an OOM kill where no cgroup can be used, or a helper that has no memory limit. The
/// message says why and what to change; <see cref="Reason"/> is fit for a test's skip reason.</summary>
public class HelperFaultUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="fault"/> on <paramref name="helperName"/>.</summary>
    public HelperFaultUnavailableException(string helperName, string fault, string reason, Exception? inner = null)
        : base($"{fault} cannot be injected into helper '{helperName}': {reason}", inner)
    {
        HelperName = helperName;
        Fault = fault;
        Reason = reason;
    }

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }

    /// <summary>The fault asked for, e.g. <c>OomKill</c>.</summary>
    public string Fault { get; }

    /// <summary>Why it cannot happen here.</summary>
    public string Reason { get; }
}

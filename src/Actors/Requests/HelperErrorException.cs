using UmhActors.Protocol.Control;

namespace UmhActors.Requests;

/// <summary>The helper answered the request with an error object.</summary>
public sealed class HelperErrorException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/> returned by <paramref name="helperName"/>.</summary>
    public HelperErrorException(string helperName, string method, RpcError error)
        : base($"helper '{helperName}' answered {method} with error {error.Code}: {error.Message}")
    {
        HelperName = helperName;
        Method = method;
        Error = error;
    }

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }

    /// <summary>The method called.</summary>
    public string Method { get; }

    /// <summary>The error as the helper sent it (code and message).</summary>
    public RpcError Error { get; }
}

using System.Runtime.ExceptionServices;

namespace UmhActors.Requests;

/// <summary>How one request of a <see cref="HelperRequestBatch"/> ended: its
/// <see cref="Response"/>, or the <see cref="Failure"/> a lone request would have been answered with
/// (<see cref="HelperErrorException"/>, <see cref="HelperTimeoutException"/>,
/// <see cref="HelperOverloadedException"/>, <see cref="Failures.HelperFailureException"/>, …).
/// Exactly one of the two is set.</summary>
/// <param name="Response">The helper's answer, or null when the request failed.</param>
/// <param name="Failure">Why the request failed, or null when it was answered.</param>
public readonly record struct HelperResult(HelperResponse? Response, Exception? Failure)
{
    /// <summary>True when the helper answered the request successfully.</summary>
    public bool IsSuccess => Response is not null;

    /// <summary>The response, or the failure rethrown (with its original stack trace).</summary>
    /// <exception cref="InvalidOperationException">The result is default (neither set).</exception>
    public HelperResponse GetResponse()
    {
        if (Response is { } response) return response;
        if (Failure is { } failure) ExceptionDispatchInfo.Throw(failure);
        throw new InvalidOperationException("an empty HelperResult (default) has neither a response nor a failure");
    }
}

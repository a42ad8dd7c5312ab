namespace UmhActors.Native.Io;

/// <summary>
/// A callback run on the reactor thread for one of a helper's pipes threw (a bug in a frame
/// receiver or a stderr line handler). The reactor contains it: that pipe is unregistered, its
/// pending and later reads and writes fail with this exception, and its helper is killed
/// (SIGKILL to its process group) so supervision sees it end; every other helper is unaffected.
/// </summary>
public sealed class ReadinessCallbackException : IOException
{
    /// <summary>Creates the exception for a callback of a <paramref name="pipeKind"/> that threw <paramref name="inner"/>.</summary>
    public ReadinessCallbackException(string pipeKind, Exception inner)
        : base($"a reactor callback for a helper's {pipeKind} threw {inner.GetType().Name}: {inner.Message}; the pipe was unregistered and its helper killed", inner)
    {
    }
}

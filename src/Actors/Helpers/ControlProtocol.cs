namespace UmhActors.Helpers;

/// <summary>
/// Which control methods (the reserved <c>$/</c> methods of docs/protocol.md) a helper speaks, and
/// so how its <see cref="HelperActor"/> knows it is ready, watches it and stops it.
/// </summary>
public enum ControlProtocol
{
    /// <summary>The UmhActors protocol (the default): the helper announces itself with
    /// <c>$/hello</c> within <see cref="HelperOptions.StartupTimeout"/> and is ready then; it answers
    /// <c>$/ping</c> (when a <see cref="HelperOptions.Watchdog"/> is set), honours <c>$/cancel</c>
    /// for requests that time out or are cancelled, and is asked to stop with <c>$/shutdown</c>.</summary>
    Umh,

    /// <summary>Plain msgpack-rpc, for a helper written with another msgpack-rpc library that knows
    /// nothing of UmhActors: it is ready as soon as it is spawned (no <c>$/hello</c> expected; its
    /// first frame may be anything), it is never sent a control method (no watchdog, no
    /// <c>$/cancel</c>: a request that times out or is cancelled fails at once and the helper's late
    /// answer is dropped, no <c>$/shutdown</c>), and it is stopped by closing its stdin (EOF, the
    /// way msgpack-rpc servers over stdio end), then SIGTERM and SIGKILL after
    /// <see cref="HelperOptions.StopGracePeriod"/> each. Requests sent before the helper reads its
    /// stdin simply wait in the pipe.</summary>
    None,
}

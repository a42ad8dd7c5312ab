namespace UmhActors.Protocol.Tests;

/// <summary>What one step of a randomized conversation sends to the helper.</summary>
public enum RuntimeStepKind
{
    /// <summary>Request <c>echo</c>, answered on the reader.</summary>
    Echo,
    /// <summary>Request <c>echo</c> of 8.5–9.5 MiB: the answer alone passes the outbox's high-water mark.</summary>
    BigEcho,
    /// <summary>Request <c>add</c>, answered from the thread pool.</summary>
    Add,
    /// <summary>Request <c>sleep</c> of 0–29 ms, cancellable.</summary>
    Sleep,
    /// <summary>Request <c>fail</c>: the handler throws.</summary>
    Fail,
    /// <summary>A request for a method the helper does not have.</summary>
    UnknownMethod,
    /// <summary>Request <c>slow_cancel_callback</c>: runs until cancelled, its cancellation callback takes 1 ms.</summary>
    SlowCancelCallback,
    /// <summary>Request <c>throwing_cancel_callback</c>: runs until cancelled, its cancellation callback throws.</summary>
    ThrowingCancelCallback,
    /// <summary><c>$/cancel</c> of an earlier request (finished or not), or of an id never used.</summary>
    Cancel,
    /// <summary><c>$/ping</c> notification.</summary>
    PingNotification,
    /// <summary><c>$/ping</c> request.</summary>
    PingRequest,
    /// <summary>Notification <c>notify_back</c>: the helper answers with the notification <c>notified</c>.</summary>
    NotifyBack,
    /// <summary>Notification <c>throw</c>: the handler throws, the helper logs it.</summary>
    ThrowingNotification,
    /// <summary>A notification the helper has no handler for.</summary>
    UnknownNotification,
    /// <summary>A response from the host to a request the helper never sent.</summary>
    StrayResponse,
    /// <summary><c>$/shutdown</c> notification.</summary>
    Shutdown,
    /// <summary><c>$/shutdown</c> request.</summary>
    ShutdownRequest,
    /// <summary>Stdin closed: the conversation ends.</summary>
    Eof,
}

/// <summary>One step: a frame (or EOF), whether the bytes queued so far are written after it, and a
/// pause after that write.</summary>
public readonly record struct RuntimeStep(RuntimeStepKind Kind, int Arg, bool EndsWrite, int PauseMs)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind}({Arg}){(EndsWrite ? " |" : "")}{(PauseMs > 0 ? $" ~{PauseMs}ms" : "")}";
}

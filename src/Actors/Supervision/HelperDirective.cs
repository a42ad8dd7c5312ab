namespace UmhActors.Supervision;

/// <summary>What a helper actor does when its helper ends.</summary>
public enum HelperDirective
{
    /// <summary>Launch a new helper after the backoff delay; requests wait for it.</summary>
    Restart,

    /// <summary>Stop the actor (watchers see <c>Terminated</c>); waiting requests fail.</summary>
    Stop,

    /// <summary>Throw the failure to the actor's own supervisor, which decides with Akka's
    /// ordinary supervision.</summary>
    Escalate,
}

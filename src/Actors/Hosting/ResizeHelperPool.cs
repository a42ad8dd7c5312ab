namespace UmhActors.Hosting;

/// <summary>
/// Tell a <see cref="HelperPoolActor"/> to run <paramref name="Size"/> helpers: new helpers launch at
/// once; surplus helpers take no new request, answer the ones they hold (up to the pool's drain timeout)
/// and stop. The reply is the pool's <see cref="HelperPoolRoutees"/> right after the change, or a
/// <c>Status.Failure</c> with an <see cref="ArgumentOutOfRangeException"/> for a size below 1.
/// </summary>
/// <param name="Size">The number of helpers to serve requests (1 or more).</param>
public sealed record ResizeHelperPool(int Size);

namespace UmhActors.Guardian;

/// <summary>
/// The guardian's lock-free front door: while launches are <see cref="GuardianState.Enabled"/>, a
/// launch takes its permit here, with two interlocked operations and no message to the guardian,
/// so a thousand simultaneous launches do not queue behind one actor. In any other state
/// <see cref="TryEnter"/> refuses and the launch asks the guardian actor, which makes it wait
/// (Freezing) or fails it (Disabled) as before.
/// </summary>
/// <remarks>
/// <para>The kernel's <c>usermodehelper_read_trylock()</c> against <c>__usermodehelper_disable()</c>:
/// <see cref="TryEnter"/> counts itself in (<see cref="InFlight"/>, the kernel's <c>running_helpers</c>)
/// and then reads the state; <see cref="Close"/> writes the state and then reads the count. Both
/// steps are full fences (interlocked), so of a launch racing a state change at least one side sees
/// the other: either the launch sees the new state and backs out, or the guardian sees the launch
/// counted and waits for it to finish, exactly as it waits for permits it granted itself. No launch
/// can slip past a freeze or a disable unseen.</para>
/// <para>The count covers every permit, from here or from the guardian actor (which counts the
/// permits it grants with <see cref="Grant"/>), so one number tells when launches have drained.</para>
/// </remarks>
internal sealed class LaunchGate
{
    private readonly Action _drained;
    private int _state = (int)GuardianState.Enabled;
    private int _inFlight;

    /// <param name="drained">Called (on the thread of the launch that finished last) when the count
    /// falls to zero while launches are not enabled, so the guardian can complete a pending state
    /// change at once instead of at its next tick. Must be quick and must not throw.</param>
    public LaunchGate(Action drained) => _drained = drained;

    /// <summary>For tests: runs inside <see cref="TryEnter"/> between its first read of the state and
    /// its count, so a test can put a state change exactly there.</summary>
    internal Action? AfterStateRead { get; init; }

    /// <summary>The state the gate lets launches through in.</summary>
    public GuardianState State => (GuardianState)Volatile.Read(ref _state);

    /// <summary>Permits held now, from here and from the guardian actor.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a permit when launches are enabled; false (nothing taken) otherwise: then ask
    /// the guardian actor. A true return must be matched by one <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        if (Volatile.Read(ref _state) != (int)GuardianState.Enabled) return false;
        AfterStateRead?.Invoke();
        Interlocked.Increment(ref _inFlight);
        // After the increment (a full fence): a state change that came first is seen here; one that
        // comes later sees the count.
        if (Volatile.Read(ref _state) == (int)GuardianState.Enabled) return true;
        Exit();
        return false;
    }

    /// <summary>Counts a permit the guardian actor granted itself.</summary>
    public void Grant() => Interlocked.Increment(ref _inFlight);

    /// <summary>Returns one permit (from <see cref="TryEnter"/> or <see cref="Grant"/>).</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _state) != (int)GuardianState.Enabled) _drained();
    }

    /// <summary>Moves to <paramref name="state"/>; returns the permits held at that instant (a
    /// launch that enters after this sees the new state). Only the guardian actor calls it.</summary>
    public int Close(GuardianState state)
    {
        Interlocked.Exchange(ref _state, (int)state);
        return Volatile.Read(ref _inFlight);
    }
}

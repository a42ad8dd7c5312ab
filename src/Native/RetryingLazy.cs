namespace UmhActors.Native;

/// <summary>
/// A value made on first use and then cached, like <see cref="Lazy{T}"/> with
/// <c>ExecutionAndPublication</c>, except that a failed creation is not cached: the next use
/// tries again. Detection that failed for want of an fd must work once fds are free.
/// </summary>
internal sealed class RetryingLazy<T>(Func<T> create) where T : class
{
    private readonly object _gate = new();
    private T? _value;

    public T Value => Volatile.Read(ref _value) ?? Create();

    public bool IsValueCreated => Volatile.Read(ref _value) is not null;

    private T Create()
    {
        lock (_gate)
        {
            if (_value is { } existing) return existing;
            var created = create();
            Volatile.Write(ref _value, created);
            return created;
        }
    }
}

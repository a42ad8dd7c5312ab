using UmhActors.Native.Handles;

namespace UmhActors.Native.Launch;

/// <summary>What to exec: a blob's sealed memfd, or a path on disk (one-shot calls).</summary>
internal sealed record ExecTarget(string Name, MemfdHandle? Memfd, bool IsScript, string? Path)
{
    public static ExecTarget ForMemfd(string name, MemfdHandle memfd, bool isScript) => new(name, memfd, isScript, null);

    public static ExecTarget ForPath(string path) => new(path, null, false, path);
}

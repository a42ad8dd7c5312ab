using UmhActors.Protocol.Runtime;

namespace UmhActors.Native.Sandbox;

/// <summary>
/// The helper side of the sandbox: a C# helper's <c>main</c> starts with
/// <see cref="CreateBuilder"/> instead of <c>HelperRuntime.CreateBuilder</c>, so the sandbox the
/// host asked for is entered before any of the helper's own code runs and before <c>$/hello</c>,
/// and what was entered is announced in <c>$/hello</c>'s capabilities (<see cref="SandboxCapabilities"/>).
/// </summary>
/// <remarks>
/// Why here and not in the helper runtime: applying a sandbox takes system calls, which live in
/// UmhActors.Native (UmhActors.Protocol has none, and must not reference Native). A helper project
/// references UmhActors.Native for this entry point; the runtime itself is unchanged.
/// <para>Without a spec (an unsandboxed launch) nothing is applied, nothing announced. A spec that
/// cannot be applied, fully, ends the process with <see cref="SandboxFailedExitCode"/> and the
/// reason on stderr: a helper never runs with less of its sandbox than was asked.</para>
/// </remarks>
public static class SandboxedHelper
{
    /// <summary>The exit code of a helper that could not enter its sandbox.</summary>
    public const int SandboxFailedExitCode = 4;

    private static readonly object s_gate = new();
    private static SandboxParts? s_entered;
    private static bool s_done;

    /// <summary>Enters the sandbox the host passed (if any), then starts configuring the helper
    /// runtime with the applied parts announced. Call it first in <c>main</c>.</summary>
    public static HelperRuntimeBuilder CreateBuilder(string name)
    {
        SandboxParts? entered;
        try
        {
            if (Environment.GetEnvironmentVariable(SandboxSpecCodec.VariableName) is not null) NameProcess(name);
            entered = Enter();
        }
        catch (Exception e) when (e is NativeCallException or FormatException or PlatformNotSupportedException or OverflowException)
        {
            Console.Error.WriteLine($"umh sandbox: {e.Message}; the helper exits instead of running unsandboxed");
            Console.Error.Flush();
            Environment.Exit(SandboxFailedExitCode);
            throw; // not reached
        }
        var builder = HelperRuntime.CreateBuilder(name);
        return entered is { } parts ? builder.WithCapabilities([.. SandboxCapabilities.For(parts)]) : builder;
    }

    // The runtime names the process by writing /proc/self/comm, which Landlock (and the identity
    // switch, which makes /proc/self root-owned) forbid once the sandbox is entered; prctl needs no
    // file. main runs on the thread-group leader, whose name is the process's.
    private static unsafe void NameProcess(string name)
    {
        var bytes = new byte[16];
        var length = 0;
        foreach (var c in name)
        {
            if (length == 15) break;
            bytes[length++] = (byte)(char.IsAscii(c) && !char.IsControl(c) ? c : '_');
        }
        fixed (byte* text = bytes) SandboxLibc.prctl(SandboxLibc.PR_SET_NAME, (nuint)text, 0, 0, 0);
    }

    /// <summary>Reads the spec from the environment and applies every in-helper part of it (and
    /// the rlimits, again), in the order each part needs; returns the parts applied, or null when
    /// the host passed no spec. Once entered, later calls return the same result.</summary>
    /// <exception cref="NativeCallException">A system call failed; the process may be partly sandboxed and must not go on.</exception>
    /// <exception cref="FormatException">The spec is not one this version understands.</exception>
    public static SandboxParts? Enter()
    {
        lock (s_gate)
        {
            if (s_done) return s_entered;
            var text = Environment.GetEnvironmentVariable(SandboxSpecCodec.VariableName);
            s_entered = text is null ? null : SandboxApplier.Apply(SandboxSpecCodec.Decode(text));
            s_done = true;
            return s_entered;
        }
    }
}

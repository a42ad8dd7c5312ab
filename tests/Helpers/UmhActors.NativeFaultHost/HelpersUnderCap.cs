using UmhActors.Native.Launch;
using UmhActors.Native.Processes;

namespace UmhActors.NativeFaultHost;

/// <summary>What the pid-exhaustion modes (<see cref="PidsLimit"/>, <see cref="NprocLimit"/>) share
/// once their cap is in place: launch <c>sleep 60</c> helpers until the kernel refuses one, report
/// how the refusal was classified, launch once more after the mode made room, and dispose and reap
/// every helper at the end.</summary>
internal sealed class HelpersUnderCap : IDisposable
{
    private static readonly LaunchOptions Options = LaunchOptions.Default.WithStdio(StdioMode.Null).WithArguments("60");
    private readonly List<HelperProcess> _helpers = [];

    /// <summary>Launches up to 10 helpers, stopping at the first refusal; prints
    /// <c>launched-under-cap=N</c> and <c>refused=CALL:ERRNO:transient|permanent</c>.</summary>
    public void FillToCap()
    {
        var calls = new SortedSet<string>();
        for (var i = 0; i < 10; i++)
        {
            try
            {
                _helpers.Add(Launch());
            }
            catch (LaunchFailedException e)
            {
                calls.Add($"{e.Call}:{e.ErrorName}:{(e.IsTransient ? "transient" : "permanent")}");
                break;
            }
        }
        Console.WriteLine($"launched-under-cap={_helpers.Count}");
        Console.WriteLine($"refused={string.Join(",", calls)}");
    }

    /// <summary>Ends the first helper and waits until it is reaped, so its task no longer counts.</summary>
    public void EndOne()
    {
        if (_helpers.Count == 0) return;
        _helpers[0].Dispose();
        _helpers[0].Exited.Wait(TimeSpan.FromSeconds(10));
        _helpers.RemoveAt(0);
    }

    /// <summary>One more launch: "ok", or the failed call and its errno.</summary>
    public string LaunchOnceMore()
    {
        try
        {
            _helpers.Add(Launch());
            return "ok";
        }
        catch (LaunchFailedException e)
        {
            return $"{e.Call}:{e.ErrorName}";
        }
    }

    /// <summary>Kills and reaps every helper still running.</summary>
    public void Dispose()
    {
        foreach (var helper in _helpers) helper.Dispose();
        Task.WaitAll(_helpers.Select(h => h.Exited).ToArray(), TimeSpan.FromSeconds(10));
    }

    /// <summary>Prints what is left once the helpers are disposed: the library's live helpers and zombie children.</summary>
    public static void ReportLeftovers()
    {
        Console.WriteLine($"live-helpers={Native.Exit.LiveHelpers.Count}");
        Console.WriteLine($"zombies={Census.ZombieChildren()}");
    }

    private static HelperProcess Launch() => HelperLauncher.LaunchPath("/bin/sleep", Options);
}

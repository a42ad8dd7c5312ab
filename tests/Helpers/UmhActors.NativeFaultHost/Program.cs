using System.Runtime.CompilerServices;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;
using UmhActors.NativeFaultHost;

// Usage: UmhActors.NativeFaultHost MODE [ARGS]. Prints "key=value" lines the tests read, and
// "done" last; exits 0 unless something unexpected escaped. Meant to run under prlimit --nofile.
var mode = args.Length > 0 ? args[0] : "";
if (mode == MallocModes.Name)
{
    Console.WriteLine($"mode={mode}");
    await MallocModes.RunAsync();
    Console.WriteLine("done");
    return 0;
}
if (ActorModes.Names.Contains(mode))
{
    // Actor modes load nothing beforehand: the library's own start-up must prepare what it needs.
    Console.WriteLine($"mode={mode}");
    await ActorModes.RunAsync(mode, args);
    Console.WriteLine("done");
    return 0;
}
// Load the launch path while fds are free, as the library does at its first use; the reactor
// test must make the shared reactor itself, so it only loads what any .NET host has loaded.
if (mode == "reactor-retry") Preload(typeof(Reactor), typeof(CgroupSupport));
else if (mode == "headroom-prepare-emfile") Preload(typeof(FdHeadroom), typeof(FdFiller));
else RuntimeHelpers.RunClassConstructor(typeof(HelperLauncher).TypeHandle);
Console.WriteLine($"mode={mode}");
var quick = LaunchOptions.Default.WithFdReserve(0);
switch (mode)
{
    case "reactor-retry":
    {
        // Item: a failed first creation of the shared reactor (or of cgroup detection) must not
        // stay cached: once fds are free again, launches work.
        string firstError, cgroupFirst;
        using (new FdFiller(leaveFree: 0))
        {
            firstError = Try(() => _ = Reactor.Shared);
            cgroupFirst = Try(() => _ = CgroupSupport.Current);
        }
        Report("first", firstError);
        Report("cgroup-first", cgroupFirst);
        Report("reactor-second", Try(() => _ = Reactor.Shared));
        Report("second", Try(() =>
        {
            using var process = HelperLauncher.LaunchPath("/bin/true", quick.WithStdio(StdioMode.Null));
            process.Exited.Wait(TimeSpan.FromSeconds(10));
        }));
        Report("cgroup-second", Try(() => _ = CgroupSupport.Current));
        break;
    }
    case "pidfd-emfile":
    {
        // Item: pidfd_open failing after a successful spawn must not leave a zombie. Pipes take
        // the six free fds; the spawn needs none in the host; pidfd_open finds none.
        var rounds = int.Parse(args[1]);
        Warm();
        var calls = new List<string>();
        for (var i = 0; i < rounds; i++)
        {
            using (new FdFiller(leaveFree: 6))
                calls.Add(Try(() => HelperLauncher.LaunchPath("/bin/true", quick).Dispose()));
        }
        Report("calls", string.Join(",", calls.Distinct()));
        Report("zombies", Census.ZombieChildren().ToString());
        break;
    }
    case "freezer-dispose-emfile":
    {
        // Item: killing a v1-frozen helper must not need an fd, and Dispose must finish its steps.
        Warm();
        var process = HelperLauncher.LaunchPath("/bin/sleep", quick.WithArguments("60").WithCgroup());
        process.Cgroup!.Freeze();
        var registrations = Reactor.Shared.RegisteredCount;
        string dispose;
        using (new FdFiller(leaveFree: 0)) dispose = Try(process.Dispose);
        Report("dispose", dispose);
        Report("exited", process.Exited.Wait(TimeSpan.FromSeconds(10)).ToString());
        Report("registrations-dropped", (registrations - Reactor.Shared.RegisteredCount).ToString());
        break;
    }
    case "cgroup-remove-emfile":
    {
        // Item: a helper reaped while the host is out of fds must not leave its cgroup behind.
        Warm();
        var process = HelperLauncher.LaunchPath("/bin/sleep", quick.WithArguments("60").WithCgroup().WithStdio(StdioMode.Null));
        var cgroup = process.Cgroup!;
        string removal;
        using (new FdFiller(leaveFree: 0))
        {
            process.Signal(9);
            // The reaper runs on the reactor thread; the removal it queues may find no thread-pool
            // thread while no fd is free, so remove here, as that work item would: stat needs no fd.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Directory.Exists($"/proc/{process.Pid}") && DateTime.UtcNow < deadline) Thread.Sleep(5);
            removal = Try(cgroup.Remove);
        }
        Report("removal", removal);
        Report("removed", cgroup.IsRemoved.ToString());
        Report("left", string.Join(",", cgroup.Paths.Where(Directory.Exists)));
        Report("exited", process.Exited.Wait(TimeSpan.FromSeconds(10)).ToString());
        process.Dispose();
        break;
    }
    case "churn":
    {
        // Item: launch churn at the fd limit must meet back-pressure, never a runtime abort.
        var rounds = int.Parse(args[1]);
        var refused = 0;
        var refusedBy = new HashSet<string>();
        string? refusal = null;
        var other = new HashSet<string>();
        for (var round = 0; round < rounds; round++)
        {
            var helpers = new List<HelperProcess>();
            while (helpers.Count < 1000)
            {
                try
                {
                    helpers.Add(HelperLauncher.LaunchPath("/bin/cat"));
                }
                catch (LaunchFailedException e) when (e.IsTransient)
                {
                    refused++;
                    refusedBy.Add(e.Call);
                    refusal ??= e.Message;
                    break;
                }
                catch (Exception e)
                {
                    other.Add(e.GetType().Name + ": " + e.Message);
                    break;
                }
            }
            // While the host holds as many helpers as it may: thread-pool work that blocks makes the
            // runtime inject threads (each needing fds), and new code gets compiled and loaded.
            var burst = Enumerable.Range(0, 16).Select(i => Task.Run(() => Thread.Sleep(20 + i))).ToArray();
            Task.WaitAll(burst);
            foreach (var helper in helpers) helper.Dispose();
            Task.WaitAll(helpers.Select(h => h.Exited).ToArray(), TimeSpan.FromSeconds(30));
            Console.WriteLine($"round={round} launched={helpers.Count}");
        }
        Report("refused", refused.ToString());
        Report("refused-by", string.Join(",", refusedBy));
        Report("refusal", refusal ?? "");
        Report("other", string.Join(" | ", other));
        break;
    }
    case "thread-at-limit":
    {
        // Does the runtime need an fd to start a thread? (It aborts the process when it gets none.)
        string started;
        using (new FdFiller(leaveFree: 0))
            started = Try(() => { var t = new Thread(() => { }); t.Start(); t.Join(); });
        Report("thread", started);
        break;
    }
    case "overrun":
    {
        // Proof that malloc checking is on: one byte written past a 20-byte block. Plain malloc
        // rounds the block up and never notices; the checking allocator keeps a check byte there.
        unsafe
        {
            var p = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(20);
            p[20] = (byte)~p[20];
            System.Runtime.InteropServices.NativeMemory.Free(p);
        }
        Report("survived", "True");
        break;
    }
    case "pids-limit":
        PidsLimit.Run(args.Length > 1 ? args[1] : "/sys/fs/cgroup/pids");
        break;
    case "nproc-limit":
        NprocLimit.Run(args.Length > 1 ? int.Parse(args[1]) : 65533);
        break;
    case "headroom-prepare-emfile":
    {
        // Item: preparing the fd count while no fd is free (it cannot open /proc/self/fd) is retried
        // at every launch; a retry must not leak the count's 64 KiB buffer each time.
        static long VmDataKib() => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmData:"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        var before = VmDataKib();
        using (new FdFiller(leaveFree: 0))
            for (var i = 0; i < 2000; i++) FdHeadroom.Prepare();
        Report("vmdata-growth-kib", (VmDataKib() - before).ToString());
        FdHeadroom.Prepare();
        Report("counts-after", FdHeadroom.OpenCount() > 0 ? "yes" : "no");
        break;
    }
    case "churn-raw":
        RawChurn.Run(int.Parse(args[1]), int.Parse(args[2]));
        break;
    default:
        Console.Error.WriteLine("modes: reactor-retry, pids-limit [ROOT], nproc-limit [UID], pidfd-emfile N, freezer-dispose-emfile, cgroup-remove-emfile, churn N, churn-raw ROUNDS THREADS, client-after-shortage, actors-recover ROUNDS RESERVE LEAVE-FREE");
        return 2;
}
Console.WriteLine("done");
return 0;

// JIT-compiles every method of the types: loads the assemblies they use, makes nothing.
static void Preload(params Type[] types)
{
    new Thread(() => { }).Start();
    foreach (var type in types)
    foreach (var method in type.GetMethods(System.Reflection.BindingFlags.DeclaredOnly | System.Reflection.BindingFlags.Instance |
                 System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
        if (!method.IsAbstract && !method.ContainsGenericParameters) RuntimeHelpers.PrepareMethod(method.MethodHandle);
    foreach (var ctor in typeof(Reactor).GetConstructors()) RuntimeHelpers.PrepareMethod(ctor.MethodHandle);
}

static void Warm()
{
    using var process = HelperLauncher.LaunchPath("/bin/true", LaunchOptions.Default.WithFdReserve(0));
    process.Exited.Wait(TimeSpan.FromSeconds(10));
}

// "ok", or the failure as "Type:Call" for launch failures, "Type:message" otherwise.
static string Try(Action action)
{
    try
    {
        action();
        return "ok";
    }
    catch (LaunchFailedException e)
    {
        return $"{nameof(LaunchFailedException)}:{e.Call}:{e.ErrorName}";
    }
    catch (Exception e)
    {
        return $"{e.GetType().Name}:{e.Message.ReplaceLineEndings(" ")}";
    }
}

static void Report(string key, string value) => Console.WriteLine($"{key}={value}");

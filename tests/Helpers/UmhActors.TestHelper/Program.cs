using System.Diagnostics;
using System.Runtime.InteropServices;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Runtime;
using UmhActors.TestHelper;
using UmhActors.TestHelper.Contracts;

// Every method is a behaviour a host must handle; docs/protocol.md lists them.
// First: the sandbox the host passed (if any) is entered before anything else runs.
var runtime = TestSandbox.CreateBuilder("testhelper")
    .WithCapabilities("echo", "cancel")
    .OnStarted(_ =>
    {
        // Opt-in only: PR_SET_PDEATHSIG fires when the *thread* that spawned us exits, and a .NET
        // host spawns from pool threads that come and go. Stdin EOF is the reliable signal.
        if (Environment.GetEnvironmentVariable("UMH_PDEATHSIG") == "1")
            Libc.prctl(Libc.PR_SET_PDEATHSIG, Libc.SIGKILL, 0, 0, 0);
    })
    .HandleInline("echo", context => context.Params)
    .HandleInline("pid", _ => Args.Encode(Environment.ProcessId))
    // Spins for params[0] microseconds: a method with real work, for benchmarks (rtt's RTT_BURN_US).
    .HandleInline("burn", context =>
    {
        var until = Stopwatch.GetTimestamp() + Args.Int(context.Params, 0) * Stopwatch.Frequency / 1_000_000;
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(1);
        return context.Params;
    })
    .Handle("add", context => Args.Encode(Args.Int(context.Params, 0) + Args.Int(context.Params, 1)))
    .Handle("sleep", async context =>
    {
        var ms = Args.Int(context.Params, 0);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ms), context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Tells the test the handler's own token fired, not just that the host gave up.
            context.Runtime.Notify("cancelled", Args.Params(context.MsgId));
            throw;
        }
        return Args.Encode(ms);
    })
    .Handle("crash", _ =>
    {
        // The runtime turns SIGSEGV into NullReferenceException; restore the default to really die.
        Libc.signal(Libc.SIGSEGV, Libc.SIG_DFL);
        Libc.raise(Libc.SIGSEGV);
        return Args.Nil;
    })
    .Handle("abort", _ =>
    {
        Libc.abort();
        return Args.Nil;
    })
    .Handle("exit", context =>
    {
        Environment.Exit((int)Args.Int(context.Params, 0));
        return Args.Nil;
    })
    .Handle("alloc", context => Args.Encode(Alloc(Args.Int(context.Params, 0))))
    .HandleInline("hang", _ =>
    {
        // Blocks the reader loop: no frame, not even $/ping, is answered any more.
        Thread.Sleep(Timeout.Infinite);
        return Args.Nil;
    })
    .Handle("garbage", _ =>
    {
        WriteStdout([0xc1, 0xc1, (byte)'g', (byte)'a', (byte)'r', (byte)'b', (byte)'a', (byte)'g', (byte)'e', (byte)'\n']);
        return Args.Nil;
    })
    .Handle("oversized", _ =>
    {
        // [2, <str32 declaring 4 GiB> ...: the host must reject it before the bytes could arrive.
        WriteStdout([0x93, 0x02, 0xdb, 0xff, 0xff, 0xff, 0xff]);
        return Args.Nil;
    })
    .Handle("flood", context =>
    {
        var n = Args.Int(context.Params, 0);
        for (var i = 0; i < n; i++) context.Runtime.Notify("flood", Args.Params(i));
        return Args.Encode(n);
    })
    .Handle("ignore_sigterm", _ =>
    {
        Libc.signal(Libc.SIGTERM, Libc.SIG_IGN);
        return Args.Encode(1);
    })
    .Handle("spawn_grandchild", _ =>
    {
        var sleep = File.Exists("/bin/sleep") ? "/bin/sleep" : "/usr/bin/sleep";
        var info = new ProcessStartInfo(sleep, "1000")
        {
            // Own pipes, so the grandchild does not hold the host's stdio pipes open.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var child = Process.Start(info) ?? throw new InvalidOperationException("sleep did not start");
        return Args.Encode(child.Id);
    })
    .Handle("log", context =>
    {
        var level = Enum.Parse<HelperLogLevel>(Args.Text(context.Params, 0), ignoreCase: true);
        context.Runtime.Log(level, Args.Text(context.Params, 1), new Dictionary<string, object?> { ["pid"] = Environment.ProcessId });
        return Args.Nil;
    })
    .Handle("busy", context =>
    {
        // Occupies a thread-pool thread for [ms] with work, not a timer: a helper busy computing.
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * Args.Int(context.Params, 0) / 1000;
        var spins = 0L;
        while (Stopwatch.GetTimestamp() < until) spins++;
        return Args.Encode(Args.Int(context.Params, 0));
    })
    .Handle("log_raw", context =>
    {
        // [level, message] sent as a $/log record exactly as given, even a level no enum names.
        var level = Args.Text(context.Params, 0);
        var message = Args.Text(context.Params, 1);
        context.Runtime.Notify("$/log", Args.LogParams(level, message));
        return Args.Nil;
    })
    .Handle("stderr", context =>
    {
        Console.Error.WriteLine(Args.Text(context.Params, 0));
        Console.Error.Flush();
        return Args.Nil;
    })
    .Handle("throwing_cancel_callback", async context =>
    {
        // User code on the request's token: it runs when the host cancels, and its failure must
        // not reach the thread that cancelled (the reader). Registered last, so it runs first.
        var delay = Task.Delay(Timeout.Infinite, context.CancellationToken);
        using var registration = context.CancellationToken.Register(static () => throw new InvalidOperationException("cancellation callback failed"));
        context.Runtime.Notify("registered", Args.Params(context.MsgId));
        await delay;
        return Args.Nil;
    })
    .Handle("slow_cancel_callback", async context =>
    {
        // Cleanup that takes a while when cancelled (a child to stop, a file to flush).
        var ms = (int)Args.Int(context.Params, 0);
        var delay = Task.Delay(Timeout.Infinite, context.CancellationToken);
        using var registration = context.CancellationToken.Register(() => Thread.Sleep(ms));
        context.Runtime.Notify("registered", Args.Params(context.MsgId));
        await delay;
        return Args.Nil;
    })
    .AddSandboxProbes()
    .Handle("fail", context =>
    {
        // A handler's bug: the runtime must answer with an error and keep serving.
        if (context.MsgId != 0) throw new InvalidOperationException(Args.Text(context.Params, 0));
        return Args.Nil;
    })
    // Typed handlers: no hand-written MessagePack in the handler, NativeAOT-safe formatters only.
    .WithFormatter(new ThumbnailFormatter())
    .Handle<Thumbnail, Thumbnail>("thumbnail", t => t with { Name = t.Name + ".thumb", Width = t.Width / 4, Height = t.Height / 4, Tags = [.. t.Tags, "thumb"] })
    .Handle<Thumbnail[], int>("thumbnail_count", thumbnails => thumbnails.Length)
    .Handle<Dictionary<string, int>, int[]>("map_values", map => [.. map.Values.Order()])
    .Handle<string, string>("typed_upper", async (text, cancellation) =>
    {
        await Task.Yield();
        cancellation.ThrowIfCancellationRequested();
        return text.ToUpperInvariant();
    })
    .OnNotification("throw", _ => throw new InvalidOperationException("thrown by the notification handler"))
    .OnNotification("notify_back", context => context.Runtime.Notify("notified", context.Params.Span))
    .Handle("log_throwing_field", context =>
    {
        // A long message makes the encoder commit bytes to the output before it reaches the field.
        var message = new string('m', (int)Args.Int(context.Params, 0));
        context.Runtime.Log(HelperLogLevel.Info, message, new Dictionary<string, object?> { ["bad"] = new ThrowingToString() });
        return Args.Nil;
    })
    .Handle("log_reentrant_field", context =>
    {
        context.Runtime.Log(HelperLogLevel.Info, "outer", new Dictionary<string, object?> { ["field"] = new LoggingToString(context.Runtime) });
        return Args.Nil;
    })
    .Build();

// Run, not RunAsync: Main reads stdin itself, so the helper starts one thread fewer.
return runtime.Run();

static unsafe long Alloc(long megabytes)
{
    var size = (nuint)(megabytes * 1024 * 1024);
    var memory = (byte*)NativeMemory.Alloc(size);
    // Touch every page so the memory is really committed (and counted by a cgroup).
    for (nuint offset = 0; offset < size; offset += 4096) memory[offset] = 1;
    return megabytes;
}

static void WriteStdout(ReadOnlySpan<byte> bytes)
{
    using var stdout = Console.OpenStandardOutput();
    stdout.Write(bytes);
    stdout.Flush();
}

using System.Text;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;

// Quickstart: launch a helper embedded in this assembly, talk to it over its pipes, and watch
// a crash come back as data (the signal), not as a mystery.

using var blob = HelperBlob.FromResource(typeof(Program).Assembly, "shouter");
Console.WriteLine($"blob '{blob.Name}': {blob.Length} bytes, runs from a sealed memfd");

await using var helper = HelperLauncher.Launch(blob);
Console.WriteLine($"helper started: pid {helper.Pid}, exe {new FileInfo($"/proc/{helper.Pid}/exe").LinkTarget}");

var timeout = TimeSpan.FromSeconds(10);
foreach (var word in new[] { "hello", "user-mode helper" })
{
    await helper.Stdin!.WriteAsync(Encoding.UTF8.GetBytes(word + "\n"));
    var reply = await ReadLineAsync(helper.Stdout!, timeout);
    Console.WriteLine($"sent '{word}', helper answered '{reply}'");
}

Console.WriteLine("asking the helper to crash...");
await helper.Stdin!.WriteAsync("crash\n"u8.ToArray());
var exit = await helper.Exited.WaitAsync(timeout);
Console.WriteLine($"helper ended: {exit}");
if (exit.SignalName != "SIGSEGV")
{
    Console.Error.WriteLine("expected the helper to die of SIGSEGV");
    return 1;
}
Console.WriteLine("done");
return 0;

static async Task<string> ReadLineAsync(UmhActors.Native.Io.PipeReadEnd stdout, TimeSpan timeout)
{
    var line = new List<byte>();
    var one = new byte[1];
    while (true)
    {
        var n = await stdout.ReadAsync(one).AsTask().WaitAsync(timeout);
        if (n == 0 || one[0] == '\n') return Encoding.UTF8.GetString(line.ToArray());
        line.Add(one[0]);
    }
}

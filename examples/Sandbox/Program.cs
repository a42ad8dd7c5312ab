using Akka.Actor;
using Akka.Configuration;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Native.Sandbox;
using UmhActors.Requests;

// Sandbox: a helper whose code would read any file it is asked for runs in a sandbox that allows
// one directory. The kernel (Landlock) refuses the rest, and the host checked the sandbox from
// /proc before sending the first request. docs/security.md explains each part.

using var blob = HelperBlob.FromEmbeddedHelper(typeof(Program).Assembly, "reader");
var allowed = Directory.CreateTempSubdirectory("umh-sandbox-example-");
var note = Path.Combine(allowed.FullName, "note.txt");
File.WriteAllText(note, "hello from the allowed directory");
// Readable by the helper's uid (nobody, below) too: Landlock only narrows what permissions allow.
File.SetUnixFileMode(allowed.FullName, (UnixFileMode)0b111_101_101);
File.SetUnixFileMode(note, (UnixFileMode)0b110_100_100);

var sandbox = HelperSandbox.Default                     // no_new_privs, seccomp allow-list, no core dumps
    .WithFileSystem(readOnly: [allowed.FullName])       // Landlock: this tree only, read-only
    .WithoutNetwork()                                   // socket() for anything but AF_UNIX fails
    .WithLimits(openFiles: 64, cpuSeconds: 60);         // prlimit from outside, checked in /proc/PID/limits
if (Environment.UserName == "root" || File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t"))
    sandbox = sandbox.WithIdentity(65534, 65534);       // a root host drops the helper to nobody

var system = ActorSystem.Create("sandbox", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
try
{
    var helper = system.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithSandbox(sandbox))), "reader");
    var client = new HelperClient(helper);

    Console.WriteLine($"read({note}) = \"{await client.CallAsync<string[], string>("read", [note])}\"");
    var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(5));
    var proc = File.ReadAllLines($"/proc/{status.Pid}/status");
    Console.WriteLine($"helper pid {status.Pid}: {string.Join(", ", proc.Where(l => l.StartsWith("Uid:") || l.StartsWith("NoNewPrivs:") || l.StartsWith("Seccomp:")).Select(l => l.Replace('\t', ' ')))}");
    Console.WriteLine($"parts the host could not check from outside: {status.UnverifiedSandboxParts}");

    try
    {
        var secret = await client.CallAsync<string[], string>("read", ["/etc/passwd"]);
        Console.Error.WriteLine($"the sandbox should have refused /etc/passwd, got {secret.Length} chars");
        return 1;
    }
    catch (HelperErrorException refused)
    {
        Console.WriteLine($"read(/etc/passwd) refused by the kernel: {refused.Message}");
    }
    return 0;
}
finally
{
    await system.Terminate();
    allowed.Delete(recursive: true);
}

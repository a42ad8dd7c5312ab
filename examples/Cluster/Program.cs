using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using ClusterExample;
using UmhActors.Native.Blobs;

// Sharded helpers over an Akka.NET cluster.
//   dotnet run --project examples/Cluster
//       three helper members and a client member in this process (127.0.0.1, free ports); the client
//       sends requests to 1,000 entities while one member leaves gracefully and another is downed.
//   dotnet run --project examples/Cluster -- --port 4053 [--seed akka.tcp://umh-example@HOST:PORT]
//       [--hostname 0.0.0.0] [--public-hostname HOST] [--role helpers|clients]
//       one member of a cluster across machines (docs/cluster.md); a "clients" member runs the client.
using var blob = HelperBlob.FromEmbeddedHelper(typeof(ClusterMember).Assembly, "shouter");
var options = Options.Parse(args);
return options.Port is null ? await RunDemoAsync(blob) : await RunMemberAsync(blob, options);

static async Task<int> RunDemoAsync(HelperBlob blob)
{
    var clock = Stopwatch.StartNew();
    var members = new List<ClusterMember>();
    members.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ClusterMember.StartAsync(blob, "helpers", "127.0.0.1", 0, quiet: true))));
    var client = await ClusterMember.StartAsync(blob, "clients", "127.0.0.1", 0, quiet: true);
    await members[0].Cluster.JoinAsync(members[0].Cluster.SelfAddress);
    await Task.WhenAll(members.Skip(1).Append(client).Select(member => member.Cluster.JoinAsync(members[0].Cluster.SelfAddress)));
    await WaitAsync(() => client.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 4, "four members Up");
    Console.WriteLine($"cluster up: {string.Join(", ", members.Select(m => m.Name))} + client {client.Name} ({clock.Elapsed.TotalSeconds:F1} s)");

    var shouts = new ShoutClient(client.Region, entities: 1000, callers: 64);
    await shouts.TouchAllAsync();
    await PrintCountsAsync("before", members, shouts);

    using var stop = new CancellationTokenSource();
    var traffic = shouts.RunAsync(stop.Token);
    var leaver = members[2];
    Console.WriteLine($"{leaver.Name} leaves gracefully");
    leaver.Cluster.Leave(leaver.Cluster.SelfAddress);
    await leaver.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
    await shouts.TouchAllAsync();
    await PrintCountsAsync("after leave", members, shouts);

    var downed = members[1];
    Console.WriteLine($"{downed.Name} is downed");
    client.Cluster.Down(downed.Cluster.SelfAddress);
    await downed.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
    await shouts.TouchAllAsync();
    await PrintCountsAsync("after down", members, shouts);

    await stop.CancelAsync();
    await traffic;
    foreach (var member in members.Append(client)) await member.StopAsync();
    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s: {shouts.Answered} answered, {shouts.Failed} failed, {shouts.Wrong} wrong");
    return shouts.Wrong == 0 && shouts.Answered > 0 ? 0 : 1;
}

static async Task<int> RunMemberAsync(HelperBlob blob, Options options)
{
    var member = await ClusterMember.StartAsync(blob, options.Role, options.Hostname, options.Port!.Value, options.PublicHostname);
    await member.Cluster.JoinAsync(options.Seed is { } seed ? Address.Parse(seed) : member.Cluster.SelfAddress);
    Console.WriteLine($"member {member.Cluster.SelfAddress} up with role {options.Role}; Ctrl+C leaves the cluster");
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    if (options.Role == "clients")
    {
        var shouts = new ShoutClient(member.Region, entities: 1000, callers: 64);
        var traffic = shouts.RunAsync(stop.Token);
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), stop.Token).ContinueWith(_ => { });
            Console.WriteLine($"{shouts.Answered} answered, {shouts.Failed} failed, {shouts.Wrong} wrong");
        }
        await traffic;
    }
    else
    {
        while (!stop.IsCancellationRequested && !member.System.WhenTerminated.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), stop.Token).ContinueWith(_ => { });
            Console.WriteLine($"{await member.EntityCountAsync()} entities here");
        }
    }
    await member.StopAsync();
    return 0;
}

static async Task PrintCountsAsync(string when, IEnumerable<ClusterMember> members, ShoutClient shouts)
{
    var counts = new List<string>();
    foreach (var member in members) counts.Add($"{member.Name}={(member.System.WhenTerminated.IsCompleted ? "gone" : await member.EntityCountAsync())}");
    Console.WriteLine($"entities per member {when}: {string.Join(", ", counts)} (client: {shouts.Answered} answered, {shouts.Failed} failed)");
}

static async Task WaitAsync(Func<bool> condition, string what)
{
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
    while (!condition())
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} within 30 s");
        await Task.Delay(50);
    }
}

using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Native.Blobs;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary><c>WithHelper</c> with a blob made from the app's services: the helper runs that blob,
/// and the host disposes it at shutdown.</summary>
public sealed class BlobFactoryHelperTests
{
    private sealed class Parser;

    /// <summary>An app service that makes blobs (here: the test helper under its own name) and
    /// remembers what it made.</summary>
    private sealed class BlobSource
    {
        public List<HelperBlob> Made { get; } = [];

        public HelperBlob Create()
        {
            using var resource = typeof(BlobFactoryHelperTests).Assembly.GetManifestResourceStream("umh-helper:testhelper")!;
            var blob = HelperBlob.FromStream("di-parser", resource);
            Made.Add(blob);
            return blob;
        }
    }

    [Fact]
    public async Task Blob_made_by_a_DI_factory_runs_and_is_disposed_when_the_host_stops()
    {
        using var host = BuildHost(services => services
            .AddSingleton<BlobSource>()
            .AddAkka("blob-factory", b => b.WithUmhActors().WithHelper<Parser>("parser", sp => sp.GetRequiredService<BlobSource>().Create())));
        await host.StartAsync().WaitAsync(Patience);
        HelperBlob blob;
        int pid;
        try
        {
            blob = Assert.Single(host.Services.GetRequiredService<BlobSource>().Made);
            var actor = await host.Services.GetRequiredService<IRequiredActor<Parser>>().GetAsync().WaitAsync(Patience);
            pid = await new HelperClient(actor).CallAsync<int[], int>("pid", []).WaitAsync(Patience);
            var status = await actor.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
            Assert.Equal(("di-parser", pid), (status.HelperName, status.Pid));
            // Still usable while the host runs: a restart would need it.
            Assert.False(blob.GetSealedMemfd().IsInvalid);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }

        Assert.Throws<ObjectDisposedException>(() => blob.GetSealedMemfd());
        Assert.True(await ProcessGoneAsync(pid), $"helper {pid} outlived the host");
    }

    [Fact]
    public async Task Blob_factory_that_throws_fails_the_start_with_its_exception()
    {
        using var host = BuildHost(services => services
            .AddAkka("failing-factory", b => b.WithUmhActors().WithHelper<Parser>("parser", _ => throw new FileNotFoundException("no blob here"))));

        var failure = await Record.ExceptionAsync(() => host.StartAsync().WaitAsync(Patience));

        Assert.NotNull(failure);
        Assert.Contains("no blob here", failure.ToString());
    }
}

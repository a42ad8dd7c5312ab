using UmhActors.Native.Blobs;
using UmhActors.Native.Interop;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests;

public sealed class BlobTests
{
    [Fact]
    public void Blob_memfd_carries_all_four_seals()
    {
        using var blob = TestBlobs.System("true");
        var seals = blob.GetSeals();
        Assert.Equal(Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE, seals);
    }

    [Fact]
    public void Sealed_memfd_refuses_writes()
    {
        using var blob = TestBlobs.System("true");
        var memfd = blob.GetSealedMemfd();
        using var stream = new FileStream($"/proc/self/fd/{memfd.Fd}", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        var error = Assert.Throws<UnauthorizedAccessException>(() => stream.Write([1, 2, 3]));
        Assert.Contains("not permitted", error.InnerException?.Message);
    }

    [Fact]
    public async Task Blob_reuses_one_memfd_for_every_launch()
    {
        // Each launch runs stat on its own executable and on the blob's memfd as the host holds
        // it: one inode for both, and the same inode in every launch, is one memfd reused.
        using var blob = TestBlobs.System("stat");
        var memfd = blob.GetSealedMemfd();
        var arguments = LaunchOptions.Default.WithArguments("-L", "-c", "%d:%i", "/proc/self/exe", $"/proc/{Environment.ProcessId}/fd/{memfd.Fd}");
        var inodes = new List<string>();
        for (var launch = 0; launch < 3; launch++)
        {
            var (stdout, stderr, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob, arguments));
            Assert.True(exit.ExitCode == 0, stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.True(lines[0] == lines[1], $"launch {launch} ran inode {lines[0]}, not the blob's memfd {lines[1]}");
            inodes.Add(lines[0]);
        }
        Assert.Single(inodes.Distinct());
        Assert.Same(memfd, blob.GetSealedMemfd());
    }

    [Fact]
    public async Task Helper_exe_reads_as_the_named_memfd()
    {
        using var blob = TestBlobs.System("sleep").WithSha256Pin(HelperBlob.ComputeSha256(File.ReadAllBytes("/usr/bin/sleep")));
        await using var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithArguments("30"));
        var exe = new FileInfo($"/proc/{process.Pid}/exe").LinkTarget;
        Assert.Equal("/memfd:umh:sleep (deleted)", exe);
    }

    [Fact]
    public void Pin_mismatch_is_refused_before_anything_runs()
    {
        // A path of this run's own: /tmp is shared with other test runs on the machine.
        var witness = Path.Combine(Path.GetTempPath(), $"umh-pin-should-not-exist-{Guid.NewGuid():N}");
        using var blob = TestBlobs.Shell("pinned", $"touch {witness}").WithSha256Pin(new string('0', 64));
        var error = Assert.Throws<BlobPinMismatchException>(() => HelperLauncher.Launch(blob));
        Assert.Equal("pinned", error.BlobName);
        Assert.Contains("nothing was executed", error.Message);
        Assert.False(File.Exists(witness));
    }

    [Fact]
    public void Pin_must_be_a_sha256()
    {
        using var blob = TestBlobs.System("true");
        Assert.Throws<ArgumentException>(() => blob.WithSha256Pin("abc"));
    }

    [Fact]
    public void Disposed_blob_refuses_launches()
    {
        var blob = TestBlobs.System("true");
        blob.Dispose();
        Assert.Throws<ObjectDisposedException>(() => HelperLauncher.Launch(blob));
    }

    [Fact]
    public void Empty_blob_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => HelperBlob.FromBytes("empty", []));
    }

    [Fact]
    public void Missing_resource_names_what_the_assembly_has()
    {
        var error = Assert.Throws<ArgumentException>(() => HelperBlob.FromResource(typeof(BlobTests).Assembly, "nope"));
        Assert.Contains("nope", error.Message);
    }
}

using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>The C# helper runtime starts its writer thread only when a frame is left for it
/// (Outbox): a helper that answers inline requests on its reader thread starts none, which saves
/// a thread start (a <c>sched_yield</c> spin in NativeAOT) per helper in a mass start.</summary>
public sealed class HelperWriterThreadTests
{
    // The helper's threads by name; a thread that ends while being listed is skipped.
    private static List<string> ThreadNames(int pid)
    {
        var names = new List<string>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                names.Add(File.ReadAllText(Path.Combine(task, "comm")).Trim());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return names;
    }

    [Fact]
    public async Task A_helper_answering_only_inline_requests_starts_no_writer_thread()
    {
        await using var helper = Helpers.StartCSharp();

        // echo and pid are inline handlers: answered by the reader thread, written by it.
        Assert.Equal(Pack.Json(Pack.Array(1, "x")), Pack.Json((await helper.RequestAsync("echo", Pack.Array(1, "x"))).Result));
        Assert.Equal(helper.Process.Pid, Pack.Read<int>((await helper.RequestAsync("pid", Pack.Array())).Result));

        var names = ThreadNames(helper.Process.Pid);
        Assert.Contains("umh-reader", names);
        Assert.DoesNotContain("umh-outbox", names);
    }

    [Fact]
    public async Task An_answer_from_a_pool_thread_starts_the_writer_thread_and_arrives()
    {
        await using var helper = Helpers.StartCSharp();
        await helper.RequestAsync("echo", Pack.Array());
        Assert.DoesNotContain("umh-outbox", ThreadNames(helper.Process.Pid));

        // add runs on the thread pool: its answer is left for the writer thread.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => helper.RequestAsync("add", Pack.Array(i, 1))));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => Pack.Json(Pack.Value((long)i))), answers.Select(a => Pack.Json(a.Result)));
        Assert.Contains("umh-outbox", ThreadNames(helper.Process.Pid));
    }
}

using UmhActors.Requests;

namespace UmhActors.Tests.Support;

/// <summary>What the request inbox tests share: callers posting from threads of their own, and how each call ended.</summary>
internal static class PostingThreads
{
    /// <summary>Runs <paramref name="send"/> on a thread of its own: senders that sleep must not hold
    /// pool threads, where the actors and the replies run.</summary>
    public static Task<List<Task<HelperResponse>>> Start(Func<List<Task<HelperResponse>>> send) =>
        Task.Factory.StartNew(send, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>How each call ended within <paramref name="settle"/>: "answered", or the name of its
    /// failure when that is one of <paramref name="expected"/>. Any other failure, or a call still
    /// running (a hang), is thrown.</summary>
    public static Task<string[]> OutcomesAsync(IEnumerable<Task<HelperResponse>> calls, TimeSpan settle, params Type[] expected) =>
        Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call.WaitAsync(settle);
                return "answered";
            }
            catch (Exception e) when (expected.Any(type => type.IsInstanceOfType(e)))
            {
                return e.GetType().Name;
            }
        }));

    /// <summary>"N outcome, M outcome…", for the test's output.</summary>
    public static string Summary(IEnumerable<string> outcomes) =>
        string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}"));
}

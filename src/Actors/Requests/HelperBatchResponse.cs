namespace UmhActors.Requests;

/// <summary>The answer to a <see cref="HelperRequestBatch"/>: one result per request, in the order of
/// <see cref="HelperRequestBatch.Requests"/>, sent once every request of the batch has ended.</summary>
/// <param name="Results">The results, index for index with the batch's requests.</param>
public sealed record HelperBatchResponse(IReadOnlyList<HelperResult> Results);

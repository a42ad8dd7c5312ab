namespace UmhActors.Requests;

/// <summary>
/// Ask a helper actor to send several <see cref="HelperRequest"/>s at once: one message and one Ask
/// for the lot instead of one per request. The requests are submitted in order, as if each had been
/// sent alone (validated, queued behind the <see cref="Helpers.HelperOptions.MaxInFlight"/> bound,
/// each with its own timeout), and those that find slots go out to the helper in one write. The
/// reply is one <see cref="HelperBatchResponse"/>, sent when the last request of the batch has ended:
/// its <see cref="HelperBatchResponse.Results"/> are in the order of <see cref="Requests"/>, each the
/// request's <see cref="HelperResponse"/> or the failure a lone request would have got (see
/// <see cref="HelperRequest"/>: an error answer, a timeout, overload, the helper's death,
/// an invalid request, a cancellation).
/// </summary>
/// <remarks>
/// <para>No request of a batch is ever left without a result: when the helper dies mid-batch, every
/// request still in flight gets the same <see cref="Failures.HelperFailureException"/> and the queued
/// ones wait for the replacement (or fail when the actor stops), exactly as lone requests do.</para>
/// <para>A <see cref="Helpers.CancelHelperRequest"/> naming the batch's sender cancels every
/// unanswered request of the batch. An empty batch is answered at once with no results. A helper
/// pool sends the whole batch to one of its helpers (round robin, or the least loaded one for
/// smallest-mailbox routing; routing keys are not consulted).</para>
/// </remarks>
/// <param name="Requests">The requests, in the order their results are reported.</param>
public sealed record HelperRequestBatch(IReadOnlyList<HelperRequest> Requests);

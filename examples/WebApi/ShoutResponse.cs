namespace UmhActors.Examples.WebApi;

/// <summary>The answer of <c>POST /shout</c>.</summary>
/// <param name="Text">The helper's answer.</param>
public sealed record ShoutResponse(string Text);

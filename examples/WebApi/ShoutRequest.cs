namespace UmhActors.Examples.WebApi;

/// <summary>The body of <c>POST /shout</c>.</summary>
/// <param name="Text">What to shout.</param>
public sealed record ShoutRequest(string Text);

namespace UmhActors.Examples.WebApi;

/// <summary>The registry key of the shouting helper (<c>WithHelper&lt;Shouter&gt;</c>, <c>HelperClient&lt;Shouter&gt;</c>).</summary>
public sealed class Shouter;

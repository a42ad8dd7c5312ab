namespace ResilienceTests;

/// <summary>Asks the <see cref="WordCountService"/> to count the words of <paramref name="Text"/>.</summary>
public sealed record CountWords(string Text);

/// <summary>The answer: the text has <paramref name="Count"/> words.</summary>
public sealed record WordCount(int Count);

/// <summary>The answer when no count could be had; <paramref name="Reason"/> says why.</summary>
public sealed record CountFailed(string Reason);

using System.Diagnostics;

/// <summary>One line per step as it happens, and the summary table at the end.</summary>
internal sealed class StepReport
{
    private readonly List<(string Step, string Outcome, TimeSpan Took)> _rows = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _stepStart;

    /// <summary>Starts timing the next step.</summary>
    public void Begin() => _stepStart = _clock.Elapsed;

    /// <summary>Ends the step: prints its line and keeps its row for the summary.</summary>
    public void Done(string step, string line, string outcome)
    {
        var took = _clock.Elapsed - _stepStart;
        _rows.Add((step, outcome, took));
        Console.WriteLine($"{_rows.Count}. {step,-16} {line}  [{Ms(took)}]");
    }

    public void PrintSummary()
    {
        Console.WriteLine();
        var width = Math.Max(7, _rows.Max(r => r.Outcome.Length));
        Console.WriteLine($"| {"step",-16} | {"outcome".PadRight(width)} | {"time",9} |");
        Console.WriteLine($"| {new string('-', 16)} | {new string('-', width)} | {new string('-', 9)} |");
        foreach (var (step, outcome, took) in _rows) Console.WriteLine($"| {step,-16} | {outcome.PadRight(width)} | {Ms(took),9} |");
        Console.WriteLine($"total {_clock.Elapsed.TotalSeconds:F1} s");
    }

    public static string Ms(TimeSpan t) => t.TotalMilliseconds < 10 ? $"{t.TotalMicroseconds:F0} µs" : $"{t.TotalMilliseconds:F0} ms";
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SmartPole.Benchmarks;

/// <summary>
/// Collects one value per run for every figure, then writes the Markdown table and the JSON file.
/// Figures keep the order in which they were first recorded.
/// </summary>
internal sealed class Report(MachineInfo machine, BenchmarkSettings settings)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly List<(string Key, string Scenario, string Case, string Subject, string Metric, string Unit, string Conditions, List<double> Values)> _figures = [];
    private readonly List<string> _notes = [];
    private readonly Lock _gate = new();

    public MachineInfo Machine => machine;

    /// <summary>Adds this run's value of a figure.</summary>
    public void Record(string scenario, string @case, string subject, string metric, string unit, double value, string conditions)
    {
        var key = string.Join('\u001f', scenario, @case, subject, metric);
        lock (_gate)
        {
            var index = _figures.FindIndex(f => f.Key == key);
            if (index < 0)
            {
                _figures.Add((key, scenario, @case, subject, metric, unit, conditions, [value]));
            }
            else
            {
                _figures[index].Values.Add(value);
            }
        }

        Console.WriteLine(FormattableString.Invariant($"  {scenario} | {@case} | {subject} | {metric}: {Format(value)} {unit}"));
    }

    /// <summary>A line printed under the tables: what a scenario found that is not a number (loss, errors, a skipped case).</summary>
    public void Note(string scenario, string text)
    {
        lock (_gate)
        {
            _notes.Add($"{scenario}: {text}");
        }

        Console.WriteLine($"  note — {scenario}: {text}");
    }

    public IReadOnlyList<Figure> Figures
    {
        get
        {
            lock (_gate)
            {
                return _figures.Select(f => new Figure(f.Scenario, f.Case, f.Subject, f.Metric, f.Unit, f.Values.ToArray(), f.Conditions)).ToArray();
            }
        }
    }

    /// <summary>Writes report.md and report.json (and timestamped copies) into <paramref name="directory"/>; returns the Markdown path.</summary>
    public async Task<string> WriteAsync(string directory, TimeSpan elapsed, IReadOnlyList<string> scenarios)
    {
        Directory.CreateDirectory(directory);
        var (loadEnd, _) = MachineInfo.LoadAverage();
        var stamp = machine.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var markdown = ToMarkdown(elapsed, scenarios, loadEnd);
        var json = JsonSerializer.Serialize(
            new
            {
                machine,
                loadAverageAtEnd = loadEnd,
                settings = new { settings.Runs, settings.Seconds, scenarios },
                elapsedSeconds = elapsed.TotalSeconds,
                figures = Figures.Select(f => new { f.Scenario, f.Case, f.Subject, f.Metric, f.Unit, f.Median, f.Min, f.Max, runs = f.Runs, f.Conditions }),
                notes = _notes,
            },
            Json);
        var md = Path.Combine(directory, $"report-{stamp}.md");
        await File.WriteAllTextAsync(md, markdown);
        await File.WriteAllTextAsync(Path.Combine(directory, $"report-{stamp}.json"), json);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.md"), markdown);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.json"), json);
        return md;
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "—"
        : Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 1 ? value.ToString("0.00", CultureInfo.InvariantCulture)
        : value.ToString("0.000", CultureInfo.InvariantCulture);

    private string ToMarkdown(TimeSpan elapsed, IReadOnlyList<string> scenarios, double loadEnd)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# SmartPole benchmarks");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Started {machine.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, took {elapsed.TotalSeconds:0} s; scenarios: {string.Join(", ", scenarios)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- CPU: {machine.CpuModel}, {machine.Cores} cores; {machine.Os}; {machine.Runtime}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Load average at start: {machine.LoadAverage1:0.00} (1 min), {machine.LoadAverage5:0.00} (5 min); at end: {loadEnd:0.00} (1 min)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Every figure: median of {settings.Runs} runs (min – max beside it); run window {settings.Seconds} s unless the conditions say otherwise");
        foreach (var group in Figures.GroupBy(f => f.Scenario))
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"## {group.Key}");
            sb.AppendLine();
            sb.AppendLine("| case | subject | metric | median | min | max | runs | conditions |");
            sb.AppendLine("|---|---|---|---:|---:|---:|---:|---|");
            foreach (var f in group)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {f.Case} | {f.Subject} | {f.Metric} ({f.Unit}) | {Format(f.Median)} | {Format(f.Min)} | {Format(f.Max)} | {f.Runs.Count} | {f.Conditions} |");
            }
        }

        if (_notes.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Notes");
            sb.AppendLine();
            foreach (var note in _notes)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        return sb.ToString();
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>Keeps every log line (level and text) so a test can check what an operator would read; echoes them to the test output.</summary>
internal sealed class RecordingLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

    public IReadOnlyCollection<(LogLevel Level, string Text)> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception);
        _lines.Enqueue((logLevel, text));
        try
        {
            output.WriteLine($"{logLevel}: {text}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; late lines have nowhere to go.
        }
    }
}

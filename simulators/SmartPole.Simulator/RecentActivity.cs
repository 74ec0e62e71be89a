using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SmartPole.Simulator;

/// <summary>
/// A logger provider that keeps the last few log lines (faults, commands, connection problems) for the
/// live view: while the view redraws the terminal, log lines written to it would tear the picture.
/// </summary>
internal sealed class RecentActivity(int capacity, TimeProvider time) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new(capacity);

    /// <summary>The kept lines, oldest first.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string message)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{time.GetLocalNow():HH:mm:ss} {Level(level)} {message}");
        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Warning => "warn",
        LogLevel.Error or LogLevel.Critical => "fail",
        LogLevel.Information => "info",
        _ => "dbug",
    };

    private sealed class Logger(RecentActivity owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            owner.Add(logLevel, exception is null ? formatter(state, exception) : $"{formatter(state, exception)}: {exception.Message}");
        }
    }
}

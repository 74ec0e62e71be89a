using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>Counts error-level log lines (a crash the broker caught is still a bug) and echoes them to the test output.</summary>
internal sealed class CountingLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    private int _errors;

    public int Errors => Volatile.Read(ref _errors);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Error)
        {
            return;
        }

        Interlocked.Increment(ref _errors);
        try
        {
            output.WriteLine($"{logLevel}: {formatter(state, exception)} {exception}");
        }
        catch (InvalidOperationException)
        {
        }
    }
}

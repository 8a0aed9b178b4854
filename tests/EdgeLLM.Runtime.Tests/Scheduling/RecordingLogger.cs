using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>Keeps every log entry (level, event id, formatted message, exception), at every level.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, int EventId, string Message, Exception? Exception)> _entries = [];

    public IReadOnlyList<(LogLevel Level, int EventId, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, eventId.Id, formatter(state, exception), exception));
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Logging;

/// <summary>One category's logger of <see cref="SynchronousConsoleLoggerProvider"/>: formats and writes on the calling thread.</summary>
internal sealed class SynchronousConsoleLogger : ILogger
{
    private readonly string _category;
    private readonly SynchronousConsoleLoggerProvider _provider;

    public SynchronousConsoleLogger(string category, SynchronousConsoleLoggerProvider provider)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(provider);
        _category = category;
        _provider = provider;
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _provider.BeginScope(state);

    // Levels are filtered by the logger factory's rules (Logging:LogLevel, Logging:Console:LogLevel) before this.
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }
        _provider.Write(new LogEntry<TState>(logLevel, _category, eventId, state, exception, formatter));
    }
}

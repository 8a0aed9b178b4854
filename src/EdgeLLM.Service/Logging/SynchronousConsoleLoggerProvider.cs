using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Logging;

/// <summary>
/// The console logger without its queue thread: each entry is formatted by the package's own
/// <see cref="ConsoleFormatter"/> (systemd's <c>&lt;N&gt;Category[EventId] message</c> lines for the journal, the
/// simple single-line format otherwise) and written on the thread that logs it. Microsoft's
/// <c>ConsoleLoggerProvider</c> keeps a thread for the life of the process to drain its queue; an idle device pays
/// for that thread and its stack (issue 25: threads at idle), while the service logs a few lines per request and
/// <see cref="LogThrottle"/> bounds floods. A stalled reader blocks the logging thread here, as it does the package's
/// full queue (2,500 entries) there.
/// </summary>
/// <remarks>Options and filters are the console logger's own (<c>Logging:Console</c>, <see cref="ConsoleLoggerOptions"/>):
/// the formatter named by <see cref="ConsoleLoggerOptions.FormatterName"/>, standard error from
/// <see cref="ConsoleLoggerOptions.LogToStandardErrorThreshold"/> up.</remarks>
[ProviderAlias("Console")]
public sealed class SynchronousConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    [ThreadStatic]
    private static StringWriter? t_line;

    private readonly ConsoleFormatter _formatter;
    private readonly LogLevel _errorThreshold;
    private readonly TextWriter? _output;
    private readonly TextWriter? _error;
    private readonly Lock _gate = new();
    private IExternalScopeProvider? _scopes;

    /// <summary>Writes to the process's standard output and error as the console logger would.</summary>
    public SynchronousConsoleLoggerProvider(IOptions<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
        : this(options?.Value!, formatters, output: null, error: null)
    {
    }

    /// <summary>Writes to <paramref name="output"/> and <paramref name="error"/> (null: the console's, looked up per line).</summary>
    internal SynchronousConsoleLoggerProvider(ConsoleLoggerOptions options, IEnumerable<ConsoleFormatter> formatters, TextWriter? output, TextWriter? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(formatters);
        var name = options.FormatterName ?? ConsoleFormatterNames.Simple;
        _formatter = formatters.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No console formatter named '{name}' is registered (Logging:Console:FormatterName).");
        _errorThreshold = options.LogToStandardErrorThreshold;
        _output = output;
        _error = error;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new SynchronousConsoleLogger(categoryName, this);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing is buffered: every line is written when it is logged.
    }

    internal IDisposable? BeginScope<TState>(TState state) where TState : notnull => _scopes?.Push(state);

    internal void Write<TState>(in LogEntry<TState> entry)
    {
        var line = t_line ??= new StringWriter(CultureInfo.InvariantCulture);
        var text = line.GetStringBuilder();
        try
        {
            _formatter.Write(in entry, _scopes, line);
            if (text.Length == 0)
            {
                return;
            }
            var target = entry.LogLevel >= _errorThreshold ? _error ?? Console.Error : _output ?? Console.Out;
            lock (_gate)
            {
                target.Write(text.ToString());
                target.Flush();
            }
        }
        finally
        {
            text.Clear();
            // One long exception must not keep its buffer on every thread that ever logged.
            if (text.Capacity > 4096)
            {
                text.Capacity = 1024;
            }
        }
    }
}

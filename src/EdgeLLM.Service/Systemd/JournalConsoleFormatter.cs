using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace EdgeLLM.Service.Systemd;

/// <summary>
/// One line per entry with the syslog priority prefix journald reads (<c>&lt;3&gt;</c> error … <c>&lt;7&gt;</c> debug), no
/// colours and no timestamp (the journal keeps its own). Exceptions go on the same entry, newlines escaped, so
/// one log call stays one journal record.
/// </summary>
public sealed class JournalConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "journal";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && string.IsNullOrEmpty(message))
        {
            return;
        }
        textWriter.Write('<');
        textWriter.Write(Priority(logEntry.LogLevel));
        textWriter.Write('>');
        textWriter.Write(logEntry.Category);
        textWriter.Write(": ");
        textWriter.Write(OneLine(message));
        if (logEntry.Exception is { } e)
        {
            textWriter.Write(" | ");
            textWriter.Write(OneLine(e.ToString()));
        }
        textWriter.Write('\n');
    }

    /// <summary>syslog priorities: 2 crit, 3 err, 4 warning, 6 info, 7 debug.</summary>
    public static int Priority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    private static string OneLine(string text) => text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// The process's one ONNX Runtime environment (<see cref="OrtEnv"/>), created by EdgeLLM before any session so that
/// ORT's log lines go to Microsoft.Extensions.Logging under the category <c>OnnxRuntime</c> (event id 5000).
/// ORT allows a single environment per process and it lives until the process ends. Call <see cref="Configure"/>
/// early to choose the logger and the minimum severity.
/// </summary>
public static partial class OrtEnvironment
{
    private static readonly Lock Gate = new();

    // Held here for the process's lifetime: ORT keeps calling the delegate's native thunk.
    private static readonly DOrtLoggingFunction Callback = OnLog;
    private static volatile ILogger _logger = NullLogger.Instance;
    private static OrtLoggingLevel _level = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
    private static bool _created;

    /// <summary>Routes ORT's logs to <paramref name="loggerFactory"/>. The severity applies if the environment
    /// does not exist yet; the logger can be changed at any time.</summary>
    public static void Configure(ILoggerFactory loggerFactory, OrtLoggingLevel minimumLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING)
    {
        _logger = loggerFactory.CreateLogger("OnnxRuntime");
        lock (Gate)
        {
            _level = minimumLevel;
        }
    }

    /// <summary>Loads the library (<see cref="OrtLibrary.EnsureLoaded"/>) and creates the environment with EdgeLLM's
    /// logger, unless that is done already.</summary>
    /// <exception cref="OnnxRuntimeNotFoundException">No usable libonnxruntime.</exception>
    public static void EnsureCreated()
    {
        if (Volatile.Read(ref _created))
        {
            return;
        }
        lock (Gate)
        {
            if (_created)
            {
                return;
            }
            OrtLibrary.EnsureLoaded();
            var options = new EnvironmentCreationOptions
            {
                logId = "edgellm",
                logLevel = _level,
                loggingFunction = Callback,
            };
            OrtEnv.CreateInstanceWithOptions(ref options);
            Volatile.Write(ref _created, true);
        }
    }

    private static void OnLog(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        // Runs on ONNX Runtime's threads: nothing may escape into native code.
        try
        {
            var level = severity switch
            {
                OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => LogLevel.Trace,
                OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => LogLevel.Debug,
                OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => LogLevel.Warning,
                OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            var logger = _logger;
            if (logger.IsEnabled(level))
            {
                LogOrt(logger, level, logId, category, codeLocation, message);
            }
        }
        catch
        {
            // A logging failure must never take ONNX Runtime down with it.
        }
    }

    [LoggerMessage(EventId = 5000, Message = "[{OrtLogId}] {OrtCategory} {OrtLocation}: {OrtMessage}")]
    private static partial void LogOrt(ILogger logger, LogLevel level, string? ortLogId, string? ortCategory, string? ortLocation, string? ortMessage);
}

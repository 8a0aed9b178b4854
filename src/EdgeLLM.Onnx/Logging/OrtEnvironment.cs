using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeLLM.Onnx.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Onnx;

/// <summary>
/// The process's one ONNX Runtime environment. ORT allows a single <c>OrtEnv</c> per process, so it is created on
/// first use and lives until the process ends; its log lines go to Microsoft.Extensions.Logging under the
/// category <c>OnnxRuntime</c>. Call <see cref="Configure"/> early to choose the logger and the minimum severity.
/// </summary>
public static unsafe partial class OrtEnvironment
{
    private static readonly Lock Gate = new();
    private static OrtHandle? _handle;
    private static volatile ILogger _logger = NullLogger.Instance;
    private static OrtLoggingLevel _level = OrtLoggingLevel.Warning;

    /// <summary>Routes ORT's logs to <paramref name="loggerFactory"/>. The severity applies if the environment
    /// does not exist yet; the logger can be changed at any time.</summary>
    public static void Configure(ILoggerFactory loggerFactory, OrtLoggingLevel minimumLevel = OrtLoggingLevel.Warning)
    {
        _logger = loggerFactory.CreateLogger("OnnxRuntime");
        lock (Gate)
        {
            _level = minimumLevel;
        }
    }

    internal static IntPtr Handle
    {
        get
        {
            if (_handle is null)
            {
                Create();
            }
            return _handle!.DangerousGetHandle();
        }
    }

    private static void Create()
    {
        lock (Gate)
        {
            if (_handle is not null)
            {
                return;
            }
            OrtLibrary.EnsureLoaded();
            IntPtr env;
            fixed (byte* id = Utf8.Z("edgellm"))
            {
                OrtStatus.Check(OrtApi.CreateEnvWithCustomLogger(&OnLog, IntPtr.Zero, (int)_level, id, &env));
            }
            _handle = new OrtHandle(env, OrtApi.ReleaseEnv);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(IntPtr param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        // Runs on ONNX Runtime's threads: nothing may escape into native code.
        try
        {
            var level = severity switch
            {
                0 => LogLevel.Trace,
                1 => LogLevel.Debug,
                2 => LogLevel.Warning,
                3 => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            var logger = _logger;
            if (logger.IsEnabled(level))
            {
                LogOrt(logger, level, Marshal.PtrToStringUTF8((IntPtr)logId), Marshal.PtrToStringUTF8((IntPtr)category),
                    Marshal.PtrToStringUTF8((IntPtr)codeLocation), Marshal.PtrToStringUTF8((IntPtr)message));
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

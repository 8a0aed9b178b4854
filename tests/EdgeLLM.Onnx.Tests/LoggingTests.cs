using Microsoft.Extensions.Logging;

namespace EdgeLLM.Onnx.Tests;

public class LoggingTests
{
    [Fact]
    public void OnnxRuntime_log_lines_reach_the_configured_logger()
    {
        var sink = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        OrtEnvironment.Configure(factory, OrtLoggingLevel.Verbose);
        // Session-level verbose logging makes ORT log while it builds the session.
        using var options = new SessionOptions().SetLogSeverity(OrtLoggingLevel.Verbose);
        using var s = new InferenceSession(TestModels.Path("add.onnx"), options);
        Assert.Contains(sink.Messages, m => m.Category == "OnnxRuntime");
        OrtEnvironment.Configure(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public List<(string Category, string Message)> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void Dispose() { }

        private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Messages)
                {
                    owner.Messages.Add((category, formatter(state, exception)));
                }
            }
        }
    }
}

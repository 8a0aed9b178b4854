using EdgeLLM.Runtime.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Tests.Onnx;

public class OrtEnvironmentTests
{
    [Fact]
    public void OnnxRuntime_log_lines_reach_the_configured_logger_with_event_id_5000()
    {
        var sink = new ListLoggerFactory();
        // The environment keeps its default severity (warnings): were it verbose, every later run in this process
        // would log, and marshalling those lines would allocate inside decode steps.
        OrtEnvironment.Configure(sink);
        OrtEnvironment.EnsureCreated();
        try
        {
            // Session-level verbose logging makes ORT log while it builds the session.
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE };
            using var session = new InferenceSession(Path.Combine(TestPaths.DefaultModel, "model.onnx"), options);
            lock (sink.Messages)
            {
                Assert.Contains(sink.Messages, m => m.Category == "OnnxRuntime" && m.EventId == 5000);
            }
        }
        finally
        {
            OrtEnvironment.Configure(NullLoggerFactory.Instance);
        }
    }

    private sealed class ListLoggerFactory : ILoggerFactory
    {
        public List<(string Category, int EventId, string Message)> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Messages)
                {
                    owner.Messages.Add((category, eventId.Id, formatter(state, exception)));
                }
            }
        }
    }
}

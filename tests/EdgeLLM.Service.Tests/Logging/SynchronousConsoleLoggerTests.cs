using EdgeLLM.Service.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EdgeLLM.Service.Tests.Logging;

public partial class SynchronousConsoleLoggerTests
{
    [Fact]
    public void Systemd_format_keeps_the_priority_category_and_event_id_on_one_line_per_entry()
    {
        var (provider, output, error) = Create(o =>
        {
            o.FormatterName = ConsoleFormatterNames.Systemd;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        var logger = provider.CreateLogger("EdgeLLM.Test");

        LogServing(logger, "iot-assist");
        LogFailed(logger, new InvalidOperationException("first line\nsecond line"));

        Assert.Equal("", output.ToString());
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("<6>EdgeLLM.Test[4242] Serving iot-assist", lines[0]);
        // The journal splits on newlines: the exception stays on its entry's line.
        Assert.StartsWith("<3>EdgeLLM.Test[4243] Load failed System.InvalidOperationException: first line second line", lines[1]);
    }

    [Fact]
    public void Entries_below_the_standard_error_threshold_go_to_standard_output()
    {
        var (provider, output, error) = Create(o =>
        {
            o.FormatterName = ConsoleFormatterNames.Systemd;
            o.LogToStandardErrorThreshold = LogLevel.Warning;
        });
        var logger = provider.CreateLogger("EdgeLLM.Test");

        LogServing(logger, "iot-assist");
        LogFailed(logger, new InvalidOperationException("boom"));

        Assert.StartsWith("<6>EdgeLLM.Test[4242]", output.ToString());
        Assert.StartsWith("<3>EdgeLLM.Test[4243]", error.ToString());
    }

    [Fact]
    public void Replacing_the_console_provider_leaves_no_queued_console_logger_registered()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole().UseSynchronousConsole());
        using var container = services.BuildServiceProvider();

        var providers = container.GetServices<ILoggerProvider>().ToList();

        Assert.DoesNotContain(providers, p => p is ConsoleLoggerProvider);
        Assert.Single(providers.OfType<SynchronousConsoleLoggerProvider>());
    }

    private static (SynchronousConsoleLoggerProvider Provider, StringWriter Output, StringWriter Error) Create(Action<ConsoleLoggerOptions> configure)
    {
        // The package's formatters, as AddConsole registers them.
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConsole());
        var formatters = services.BuildServiceProvider().GetServices<ConsoleFormatter>();
        var options = new ConsoleLoggerOptions();
        configure(options);
        var output = new StringWriter();
        var error = new StringWriter();
        return (new SynchronousConsoleLoggerProvider(options, formatters, output, error), output, error);
    }

    [LoggerMessage(EventId = 4242, Level = LogLevel.Information, Message = "Serving {Model}")]
    private static partial void LogServing(ILogger logger, string model);

    [LoggerMessage(EventId = 4243, Level = LogLevel.Error, Message = "Load failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

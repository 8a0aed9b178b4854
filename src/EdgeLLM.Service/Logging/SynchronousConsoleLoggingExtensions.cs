using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EdgeLLM.Service.Logging;

/// <summary>Registers <see cref="SynchronousConsoleLoggerProvider"/> in place of the console logger's queued provider.</summary>
public static class SynchronousConsoleLoggingExtensions
{
    /// <summary>
    /// Replaces the <c>ConsoleLoggerProvider</c> that <c>AddConsole</c>/<c>AddSimpleConsole</c> registered with
    /// <see cref="SynchronousConsoleLoggerProvider"/>, keeping their formatters and options. Call after them.
    /// </summary>
    public static ILoggingBuilder UseSynchronousConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        // Removed before the container is built, so the queued provider (and its thread) is never created.
        for (var i = logging.Services.Count - 1; i >= 0; i--)
        {
            var d = logging.Services[i];
            if (d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider))
            {
                logging.Services.RemoveAt(i);
            }
        }
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, SynchronousConsoleLoggerProvider>());
        return logging;
    }
}

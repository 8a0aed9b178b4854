using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Service.Logging;
using EdgeLLM.Service.Metrics;
using EdgeLLM.Service.Ollama;
using EdgeLLM.Service.Ota;
using EdgeLLM.Service.Rest;
using EdgeLLM.Service.Systemd;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Configuration;
using EdgeLLM.Serving.Loading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Builds the <c>edgellm serve</c> host: one engine shared by MQTT and REST, OTA, systemd notification, and
/// journald-friendly logging under systemd. Options are validated before anything starts.
/// </summary>
public static class ServiceHost
{
    public static WebApplication Build(string[] args, string? configFile = null, Action<IServiceCollection>? configure = null)
    {
        // The host's own appsettings.json sources are not EdgeLLM's (those come next), and watching them for changes
        // costs a thread for the whole life of the process.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEdgeLLMSources(configFile, args);
        var systemd = SystemdEnvironment.FromProcess();
        ConfigureLogging(builder.Logging, builder.Configuration, systemd);

        var section = builder.Configuration.GetSection(EdgeLLMOptions.SectionName);
        var options = EdgeLLMConfiguration.Bind(builder.Configuration);
        builder.Services.AddOptions<EdgeLLMOptions>().Bind(section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EdgeLLMOptions>, EdgeLLMOptionsValidator>());
        builder.Services.AddOtaOptions(builder.Configuration);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownDrainSeconds + 10));

        builder.WebHost.UseUrls(options.Http.Enabled ? options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.Http.MaxRequestBytes + 1;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.Http.RequestHeadersTimeoutSeconds);
            k.AddServerHeader = false;
        });

        AddServices(builder.Services, options, systemd);
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseMiddleware<BadHttpRequestMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapEdgeLLMApi();
        app.MapOllamaApi();
        return app;
    }

    private static void AddServices(IServiceCollection services, EdgeLLMOptions options, SystemdEnvironment systemd)
    {
        var deviceId = options.DeviceId ?? StatePaths.DefaultDeviceId();
        var stateDir = StatePaths.Resolve(options.StateDir);
        services.AddSingleton(systemd);
        AddSystemd(services, systemd);
        // Kestrel's own pools queue an eviction to the thread pool every 10 s (SharedMemoryPoolFactory says why).
        services.Replace(ServiceDescriptor.Singleton<IMemoryPoolFactory<byte>, SharedMemoryPoolFactory>());
        services.AddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => ServingPlanFactory.Create(options, sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeLLM.Service.Device")));
        services.AddSingleton<ModelLoader>();
        services.AddSingleton(sp => new EdgeLLM.Runtime.Thermal.ThermalMonitor(sp.GetRequiredService<ServingPlan>().Profile?.Thermal ?? new EdgeLLM.Runtime.Devices.ThermalProfile()));
        services.AddSingleton<ModelHost>();
        services.TryAddSingleton<IDeviceReadings, PlanDeviceReadings>();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<GenerationGateway>();
        services.AddSingleton<CompletionEndpoint>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<ModelPool>();
        services.AddSingleton<OllamaModels>();
        services.AddSingleton<OllamaGenerationEndpoint>();
        services.AddSingleton<OllamaModelsEndpoint>();
        services.AddSingleton<OtaStatusFanout>();
        services.AddSingleton<EngineModelValidator>();
        services.AddSingleton<OtaServingActivator>();
        services.AddSingleton(sp =>
        {
            var defaultDir = ModelLocator.Resolve(options.Model, [Path.Combine(stateDir, "models")]);
            OtaInstalledModel? defaultModel = null;
            if (File.Exists(Path.Combine(defaultDir, ModelIdentity.FileName)))
            {
                var identity = ModelIdentity.Read(defaultDir);
                defaultModel = new OtaInstalledModel(identity.Id, identity.Version, defaultDir);
            }
            return new OtaUpdater(sp.GetRequiredService<IOptions<OtaOptions>>(),
                new OtaDeviceContext(deviceId, stateDir, OtaDeviceContext.CurrentRuntimeVersion, defaultModel),
                new OtaHostBindings(sp.GetRequiredService<EngineModelValidator>(), sp.GetRequiredService<OtaServingActivator>(), sp.GetRequiredService<OtaStatusFanout>()),
                new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, sp.GetRequiredService<ILogger<OtaUpdater>>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<ModelHostService>();
        services.AddHostedService<ThermalService>();
        if (options.Mqtt.Enabled)
        {
            services.AddSingleton<Mqtt.MqttOtaFeed>();
            services.AddHostedService<Mqtt.MqttFrontService>();
        }
    }

    /// <summary>
    /// <c>UseSystemd()</c> for the web host: the package's <see cref="SystemdLifetime"/> (SIGTERM stops gracefully,
    /// READY=1 at ApplicationStarted, STOPPING=1) and notifier, READY held until the model serves, and the health service
    /// for STATUS= and WATCHDOG=1.
    /// </summary>
    private static void AddSystemd(IServiceCollection services, SystemdEnvironment systemd)
    {
        services.AddSystemd();
        // Microsoft.Extensions.Hosting.Systemd 10.0 recognises systemd by reading /proc/PPID/comm, which the packaged
        // unit's ProtectProc=invisible hides from its DynamicUser: the package alone would then send nothing and the
        // Type=notify unit would never start. INVOCATION_ID, which systemd sets for every unit, says it as well.
        if (!SystemdHelpers.IsSystemdService() && !systemd.IsSystemdService)
        {
            return;
        }
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
        services.AddSingleton(_ => new ServingReadyNotifier(new SystemdNotifier()));
        services.AddSingleton<ISystemdNotifier>(sp => sp.GetRequiredService<ServingReadyNotifier>());
        services.AddHostedService<SystemdHealthService>();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration, SystemdEnvironment systemd)
    {
        logging.ClearProviders();
        logging.AddConfiguration(configuration.GetSection("Logging"));
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        if (systemd.LogsToJournal)
        {
            // The package's systemd format: one line per entry, '<N>' syslog priority first, no colours or timestamps.
            logging.AddConsole(o =>
            {
                o.FormatterName = ConsoleFormatterNames.Systemd;
                o.LogToStandardErrorThreshold = LogLevel.Trace;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        // Same formats and options, without the console logger's queue thread (SynchronousConsoleLoggerProvider says why).
        logging.UseSynchronousConsole();
    }
}

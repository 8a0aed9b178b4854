using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>
/// One device of a test fleet: the real service (<c>edgellm serve</c>'s host) in this process with the default model,
/// its own state directory and device id, MQTT on the test broker, OTA on a group and a trusted-keys directory.
/// </summary>
internal sealed class SimulatedDevice : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatedDevice(string id, WebApplication app, string stateDirectory, Uri address)
    {
        Id = id;
        _app = app;
        StateDirectory = stateDirectory;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Id { get; }

    public string StateDirectory { get; }

    /// <summary>The device's local REST API.</summary>
    public HttpClient Http { get; }

    public static async Task<SimulatedDevice> StartAsync(string id, string host, int port, string group, string trustedKeys)
    {
        var stateDirectory = Directory.CreateTempSubdirectory($"edgellm-fleet-{id}-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["EdgeLLM:DeviceId"] = id,
            ["EdgeLLM:StateDir"] = stateDirectory,
            ["EdgeLLM:Http:Urls"] = "http://127.0.0.1:0",
            ["EdgeLLM:Engine:Threads"] = "1",
            ["EdgeLLM:Mqtt:Enabled"] = "true",
            ["EdgeLLM:Mqtt:Host"] = host,
            ["EdgeLLM:Mqtt:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EdgeLLM:Ota:Group"] = group,
            ["EdgeLLM:Ota:TrustedKeysDir"] = trustedKeys,
        };
        var app = ServiceHost.Build(settings.Select(p => $"--{p.Key}={p.Value}").ToArray(), configFile: null);
        await app.StartAsync();
        await WhenServingAsync(id, app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatedDevice(id, app, stateDirectory, new Uri(address));
    }

    /// <summary>
    /// Waits until the device's model answers its start-up probe. A model that cannot load stops the service (its log
    /// says why) and would never bring the device online: that fails here, at once, instead of a fleet-wide timeout.
    /// </summary>
    private static async Task WhenServingAsync(string id, WebApplication app)
    {
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await app.Services.GetRequiredService<ModelHost>().WhenServingAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"device {id} stopped before its model served: the model did not load (the service's log says why)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }
}

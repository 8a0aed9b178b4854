using System.Net.Http.Headers;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>The real service host on a free loopback port (or all interfaces), with the default model.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningService(WebApplication app, Uri address, string? stateDir)
    {
        _app = app;
        Address = address;
        StateDir = stateDir;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }

    /// <summary>The temporary state directory deleted at dispose, or null when the caller owns it.</summary>
    public string? StateDir { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public ModelHost Host => _app.Services.GetRequiredService<ModelHost>();

    public static async Task<RunningService> StartAsync(IDictionary<string, string>? settings = null, string url = "http://127.0.0.1:0", bool waitReady = true, bool keepState = false)
    {
        var stateDir = Directory.CreateTempSubdirectory("edgellm-svc-").FullName;
        var all = new Dictionary<string, string>
        {
            ["EdgeLLM:Http:Urls"] = url,
            ["EdgeLLM:Mqtt:Enabled"] = "false",
            ["EdgeLLM:StateDir"] = stateDir,
            ["EdgeLLM:DeviceId"] = "test-device",
            ["EdgeLLM:Engine:Threads"] = "1",
            ["EdgeLLM:Ota:TrustedKeysDir"] = Path.Combine(stateDir, "keys"),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            all[k] = v;
        }
        var app = ServiceHost.Build(all.Select(p => $"--{p.Key}={p.Value}").ToArray(), configFile: null);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        address = address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        var service = new RunningService(app, new Uri(address), keepState ? null : stateDir);
        if (waitReady)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!service.Host.IsReady)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("the service did not become ready");
                }
                await Task.Delay(50);
            }
        }
        return service;
    }

    public static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (StateDir is not null)
        {
            try
            {
                Directory.Delete(StateDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

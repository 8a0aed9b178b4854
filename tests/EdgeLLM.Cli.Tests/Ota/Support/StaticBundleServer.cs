using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Cli.Tests.Ota.Support;

/// <summary>A directory served over HTTP by ASP.NET Core's static-file middleware (with its own Range and ETag support).</summary>
internal sealed class StaticBundleServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticBundleServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<StaticBundleServer> StartAsync(string directory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(directory),
            RequestPath = "/bundles",
            ServeUnknownFileTypes = true,
        });
        await app.StartAsync();
        return new StaticBundleServer(app, new Uri(app.Urls.First().TrimEnd('/') + "/bundles/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

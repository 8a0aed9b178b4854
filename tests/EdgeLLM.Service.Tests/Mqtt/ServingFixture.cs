using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Metrics;
using EdgeLLM.Service.Tests.Hosting;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>The default model loaded once behind a gateway, shared by the handler tests.</summary>
public sealed class ServingFixture : IAsyncLifetime
{
    public ModelHost Host { get; private set; } = null!;

    public GenerationGateway Gateway { get; private set; } = null!;

    public ServiceMetrics Metrics { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var loader = new ModelLoader(new ServingPlan { Threads = 1, MaxBatchSize = 4 }, NullLoggerFactory.Instance);
        Host = new ModelHost(loader, NullLogger<ModelHost>.Instance);
        await Host.LoadAsync(DefaultModelSmoke.Directory, CancellationToken.None);
        Metrics = new ServiceMetrics(Host, new NoDeviceReadings());
        Gateway = new GenerationGateway(Host, Metrics);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

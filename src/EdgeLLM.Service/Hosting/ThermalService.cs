using EdgeLLM.Runtime.Thermal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Hosting;

/// <summary>Runs the runtime's <see cref="ThermalGovernor"/> on whichever engine serves now, for as long as the host runs.</summary>
public sealed class ThermalService(ThermalMonitor monitor, ModelHost host, ILogger<ThermalGovernor> logger, TimeProvider time) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new ThermalGovernor(monitor, () => host.Current?.Engine, logger: logger, time: time).RunAsync(stoppingToken);
}

using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeLLM.Service.Ota;

/// <summary>
/// The serving side of an OTA switch (and of a rollback): loads the model into <see cref="ModelHost"/>, proves it
/// answers with the start-up probe, and only then confirms it to OTA, as a start does. Unconfirmed, OTA would roll a
/// switch that serves well back once <c>Ota:ConfirmSeconds</c> pass; a model that loads but cannot answer stays
/// unconfirmed and is rolled back that way.
/// </summary>
public sealed class OtaServingActivator(ModelHost host, IServiceProvider services) : IOtaModelActivator
{
    /// <inheritdoc />
    public async Task ActivateAsync(OtaInstalledModel model, CancellationToken cancellationToken)
    {
        await host.LoadAsync(model.Directory, cancellationToken).ConfigureAwait(false);
        await host.ProbeAsync(cancellationToken).ConfigureAwait(false);
        // The updater is built with this activator, so it is looked up when an activation runs, not when this is built.
        services.GetRequiredService<OtaUpdater>().ConfirmHealthy();
    }
}

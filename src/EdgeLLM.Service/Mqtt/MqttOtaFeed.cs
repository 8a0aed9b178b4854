using System.Threading.Channels;
using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Service.Ota;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// OTA over MQTT: the fleet group whose retained manifest topic the front also subscribes to, the manifests handed to
/// the updater one at a time in arrival order, and the publisher OTA's statuses go out through.
/// </summary>
public sealed partial class MqttOtaFeed(OtaUpdater ota, OtaStatusFanout status, IOptions<OtaOptions> options, ILogger<MqttOtaFeed> logger)
{
    /// <summary>The fleet group (<c>EdgeLLM:Ota:Group</c>).</summary>
    public string Group => options.Value.Group;

    /// <summary>Where OTA statuses are published while the front is connected (null when it stops).</summary>
    public void SetPublisher(Func<OtaStatus, ValueTask>? publisher) => status.SetPublisher(publisher);

    /// <summary>Applies each manifest read from <paramref name="manifests"/> until it completes or the host stops.</summary>
    public async Task RunAsync(ChannelReader<byte[]> manifests, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var manifest in manifests.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var result = await ota.SubmitAsync(manifest, stoppingToken).ConfigureAwait(false);
                LogOtaFinished(logger, result.Status.ToString());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a manifest not applied yet stays retained at the broker for the next start.
        }
    }

    /// <summary>Hands an abort notice to the updater at once (it stops the update the feed may be waiting on); the outcome is logged.</summary>
    public void SubmitAbort(byte[] notice, CancellationToken stoppingToken) => _ = AbortAsync(notice, stoppingToken);

    private async Task AbortAsync(byte[] notice, CancellationToken stoppingToken)
    {
        try
        {
            var result = await ota.SubmitAsync(notice, stoppingToken).ConfigureAwait(false);
            LogOtaFinished(logger, result.Status.ToString());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the abort stays retained at the broker and is applied at the next start.
        }
    }

    [LoggerMessage(EventId = 6116, Level = LogLevel.Information, Message = "OTA manifest from MQTT finished: {Status}")]
    private static partial void LogOtaFinished(ILogger logger, string status);
}

using EdgeLLM.Ota;
using EdgeLLM.Service.Metrics;

namespace EdgeLLM.Service.Ota;

/// <summary>Hands every OTA status to <c>/metrics</c> and to the transports that publish it (MQTT's retained <c>ota/status</c>).</summary>
public sealed class OtaStatusFanout(ServiceMetrics metrics) : IOtaStatusSink
{
    private volatile Func<OtaStatus, ValueTask>? _publisher;

    /// <summary>The MQTT front registers here once connected; statuses before that are still in <see cref="ServiceMetrics.LastOta"/>.</summary>
    public void SetPublisher(Func<OtaStatus, ValueTask>? publisher) => _publisher = publisher;

    public ValueTask ReportAsync(OtaStatus status, CancellationToken cancellationToken)
    {
        metrics.RecordOta(status);
        return _publisher is { } publish ? publish(status) : ValueTask.CompletedTask;
    }
}

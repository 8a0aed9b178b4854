namespace EdgeLLM.Ota;

/// <summary>
/// Receives every OTA status update, in order. The host publishes it retained on
/// <c>{root}/{device}/ota/status</c> and exposes it in <c>/metrics</c>. A sink that throws does not stop the
/// update (the failure is logged); one that blocks delays it, so publish without waiting for the broker.
/// </summary>
public interface IOtaStatusSink
{
    /// <summary>Handles one status update.</summary>
    ValueTask ReportAsync(OtaStatus status, CancellationToken cancellationToken);
}

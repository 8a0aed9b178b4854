using EdgeLLM.Ota.Manifests;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Device;

/// <summary>Sends statuses to the sink, keeps the last one, and thins out download progress to every few percent.</summary>
internal sealed class OtaStatusReporter
{
    private readonly IOtaStatusSink _sink;
    private readonly ILogger _logger;
    private readonly double _progressStep;
    private OtaStatus? _last;
    private Transfer? _transfer;

    public OtaStatusReporter(IOtaStatusSink sink, ILogger logger, int progressStepPercent)
    {
        _sink = sink;
        _logger = logger;
        _progressStep = progressStepPercent / 100.0;
    }

    public OtaStatus? Last => Volatile.Read(ref _last);

    /// <summary>
    /// Records what the update of <paramref name="manifest"/> downloaded and reused: every later status of that version
    /// carries it (<c>downloaded_bytes</c>, <c>reused_bytes</c>), the retained <c>active</c> one included.
    /// </summary>
    public void RecordTransfer(OtaManifest manifest, long downloaded, long reused) =>
        Volatile.Write(ref _transfer, new Transfer(manifest.Model, manifest.Version, downloaded, reused));

    /// <summary>Reports a status; a failing sink is logged, never allowed to fail the update.</summary>
    /// <returns>The status as reported (with the update's transfer figures once known).</returns>
    public async ValueTask<OtaStatus> ReportAsync(OtaStatus status, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _transfer) is var (model, version, downloaded, reused) && status.Model == model && status.Version == version && status.DownloadedBytes is null)
        {
            status = status with { DownloadedBytes = downloaded, ReusedBytes = reused };
        }

        Volatile.Write(ref _last, status);
        try
        {
            await _sink.ReportAsync(status, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            OtaLog.StatusSinkFailed(_logger, e);
        }

        return status;
    }

    /// <summary>Reports download progress when it moved by at least the step since the last report (or reached 1).</summary>
    public async ValueTask ReportProgressAsync(OtaManifest manifest, OtaPhase phase, double progress, CancellationToken cancellationToken)
    {
        var last = Last;
        if (last is not null && last.Phase == phase && last.Model == manifest.Model && last.Version == manifest.Version
            && progress < 1 && progress - last.Progress < _progressStep)
        {
            return;
        }

        await ReportAsync(new OtaStatus(manifest.Model, manifest.Version, phase, progress, null), cancellationToken).ConfigureAwait(false);
    }

    private sealed record Transfer(string Model, string Version, long Downloaded, long Reused);
}

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

    public OtaStatusReporter(IOtaStatusSink sink, ILogger logger, int progressStepPercent)
    {
        _sink = sink;
        _logger = logger;
        _progressStep = progressStepPercent / 100.0;
    }

    public OtaStatus? Last => Volatile.Read(ref _last);

    /// <summary>Reports a status; a failing sink is logged, never allowed to fail the update.</summary>
    public async ValueTask ReportAsync(OtaStatus status, CancellationToken cancellationToken)
    {
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
    }

    /// <summary>Reports download progress when it moved by at least the step since the last report (or reached 1).</summary>
    public ValueTask ReportProgressAsync(OtaManifest manifest, OtaPhase phase, double progress, CancellationToken cancellationToken)
    {
        var last = Last;
        if (last is not null && last.Phase == phase && last.Model == manifest.Model && last.Version == manifest.Version
            && progress < 1 && progress - last.Progress < _progressStep)
        {
            return ValueTask.CompletedTask;
        }

        return ReportAsync(new OtaStatus(manifest.Model, manifest.Version, phase, progress, null), cancellationToken);
    }
}

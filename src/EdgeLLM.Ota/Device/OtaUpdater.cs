using System.Text;
using System.Text.Json;
using EdgeLLM.Ota.Download;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Ota.Device;

/// <summary>
/// The device side of OTA model updates (contract section 4). The host calls, in this order:
/// <list type="number">
/// <item><see cref="ResolveActiveModelDirectoryAsync"/> at start-up, before loading a model: it recovers from any
/// interrupted update, rolls back a switched version that was not confirmed, and returns the directory to serve.</item>
/// <item><see cref="ConfirmHealthy"/> once the model serves requests fine.</item>
/// <item><see cref="ResumeInterruptedAsync"/> to continue an update a crash interrupted (optional).</item>
/// <item><see cref="SubmitAsync"/> for every manifest (MQTT <c>{root}/{device}/ota</c>, <c>{root}/fleet/{group}/ota</c>,
/// <c>POST /v1/admin/ota</c>).</item>
/// </list>
/// One update runs at a time. A manifest that arrives while one runs waits; a newer one replaces a waiting
/// one (which ends as <see cref="OtaErrorCode.Superseded"/>), and the same manifest again joins the run or wait
/// already there, so retained and re-delivered MQTT messages are harmless.
/// </summary>
public sealed class OtaUpdater : IAsyncDisposable
{
    private readonly OtaOptions _options;
    private readonly OtaDeviceContext _device;
    private readonly IOtaModelActivator _activator;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OtaModelSwitcher _switcher;
    private readonly OtaStatusReporter _status;
    private readonly OtaUpdatePipeline _pipeline;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _queueLock = new();
    private readonly Lock _timerLock = new();
    private readonly SemaphoreSlim _recoveryGate = new(1, 1);
    private string? _recoveredDirectory;
    private bool _recovered;
    private QueuedUpdate? _running;
    private QueuedUpdate? _waiting;
    private Task _worker = Task.CompletedTask;
    private ITimer? _confirmTimer;
    private Task _background = Task.CompletedTask;
    private bool _disposed;

    /// <param name="options">Bound from <c>EdgeLLM:Ota</c>; validated here as well as at host start-up.</param>
    /// <param name="device">Device id, state directory, runtime version and the embedded default model.</param>
    /// <param name="validator">Memory-budget check and smoke test of a staged model.</param>
    /// <param name="activator">Hot swap to a newly active (or rolled-back-to) model.</param>
    /// <param name="statusSink">Receives every status update.</param>
    /// <param name="httpClient">Downloads bundles; give it an infinite <see cref="HttpClient.Timeout"/> (the updater has its own timeouts).</param>
    /// <param name="logger">Logger.</param>
    /// <param name="timeProvider">Clock for the confirmation deadline and retry pauses; the system clock when null.</param>
    /// <param name="stepObserver">Optional observer of durable steps (diagnostics, crash tests).</param>
    /// <exception cref="OptionsValidationException"><paramref name="options"/> are invalid.</exception>
    public OtaUpdater(
        IOptions<OtaOptions> options, OtaDeviceContext device, IOtaModelValidator validator, IOtaModelActivator activator,
        IOtaStatusSink statusSink, HttpClient httpClient, ILogger<OtaUpdater> logger, TimeProvider? timeProvider = null,
        IOtaStepObserver? stepObserver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new OtaOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(OtaOptions.SectionName, typeof(OtaOptions), validation.Failures);
        }

        _device = device ?? throw new ArgumentNullException(nameof(device));
        ArgumentNullException.ThrowIfNull(validator);
        _activator = activator ?? throw new ArgumentNullException(nameof(activator));
        ArgumentNullException.ThrowIfNull(statusSink);
        ArgumentNullException.ThrowIfNull(httpClient);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? TimeProvider.System;
        var store = new OtaModelStore(device.StateDirectory);
        _switcher = new OtaModelSwitcher(store, device.DefaultModel, _options, _logger, _time);
        _status = new OtaStatusReporter(statusSink, _logger, _options.ProgressStepPercent);
        var downloader = new OtaBundleDownloader(httpClient, _options.DownloadSettings, _logger, _time);
        _pipeline = new OtaUpdatePipeline(_options, device, store, _switcher, _status, validator, activator, downloader,
            stepObserver, ArmConfirmTimer, _logger);
    }

    /// <summary>The last status reported (for <c>/metrics</c>), or null before the first.</summary>
    public OtaStatus? LastStatus => _status.Last;

    /// <summary>The model serving now as far as OTA knows (null: the host's configured default).</summary>
    public OtaInstalledModel? ActiveModel => _switcher.Active;

    /// <summary>True while a switched version waits for <see cref="ConfirmHealthy"/>.</summary>
    public bool AwaitingConfirmation => !_switcher.Snapshot().ActiveConfirmed;

    /// <summary>
    /// Start-up recovery, then the model directory to serve: removes leftovers of an interrupted update,
    /// finishes an interrupted switch, and rolls a switched-but-unconfirmed version back to the previous one when
    /// its <c>Ota:ConfirmSeconds</c> have passed or the service already restarted once without confirming it
    /// (reporting <c>rolled_back</c>). Otherwise the unconfirmed version serves and must be confirmed in time.
    /// Runs once; later calls return the first answer.
    /// </summary>
    /// <returns>The directory to serve, or null when OTA installed none and <see cref="OtaDeviceContext.DefaultModel"/> is null.</returns>
    public async Task<string?> ResolveActiveModelDirectoryAsync(CancellationToken cancellationToken)
    {
        await _recoveryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_recovered)
            {
                return _recoveredDirectory;
            }

            var recovery = _switcher.Recover();
            if (recovery.RolledBack is { } failed)
            {
                var target = recovery.Serving?.ToString() ?? "the embedded default";
                OtaLog.RolledBack(_logger, failed.Model, failed.Version, target, recovery.RollbackReason!);
                await _status.ReportAsync(new OtaStatus(failed.Model, failed.Version, OtaPhase.RolledBack, 0,
                    $"{OtaUpdateException.WireName(OtaErrorCode.NotConfirmed)}: {recovery.RollbackReason}; rolled back to {target}"), cancellationToken).ConfigureAwait(false);
            }

            if (recovery.ConfirmWithin is { } within && _switcher.ActiveEntry is { } unconfirmed)
            {
                ArmConfirmTimer(unconfirmed, within);
            }

            await PruneAsync(cancellationToken).ConfigureAwait(false);
            _recoveredDirectory = recovery.Serving?.Directory;
            _recovered = true;
            return _recoveredDirectory;
        }
        finally
        {
            _recoveryGate.Release();
        }
    }

    /// <summary>
    /// Tells OTA that the serving model works (call once it has answered requests after a start or a swap).
    /// Makes an unconfirmed switch permanent and prunes versions beyond <c>Ota:KeepVersions</c> in the background.
    /// </summary>
    /// <returns>True when a switch was waiting for confirmation.</returns>
    public bool ConfirmHealthy()
    {
        if (!_switcher.Confirm())
        {
            return false;
        }

        lock (_timerLock)
        {
            _confirmTimer?.Dispose();
            _confirmTimer = null;
        }

        if (_switcher.Active is { } active)
        {
            OtaLog.Confirmed(_logger, active.Model, active.Version);
        }

        // Prune now when no switch is in flight; from inside an activation (which holds the gate) leave it to a task.
        if (_switcher.SwitchGate.Wait(0))
        {
            try
            {
                _switcher.Prune();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                OtaLog.CleanupFailed(_logger, _device.StateDirectory, e);
            }
            finally
            {
                _switcher.SwitchGate.Release();
            }
        }
        else
        {
            _background = Task.Run(() => PruneAsync(_stopping.Token));
        }

        return true;
    }

    /// <summary>Submits the update a crash or power loss interrupted, if any; null when none was pending.</summary>
    public async Task<OtaResult?> ResumeInterruptedAsync(CancellationToken cancellationToken)
    {
        await ResolveActiveModelDirectoryAsync(cancellationToken).ConfigureAwait(false);
        if (_switcher.Snapshot().Pending is not { } pending)
        {
            return null;
        }

        OtaLog.ResumingInterrupted(_logger, pending.Model, pending.Version, pending.Attempts + 1);
        return await SubmitAsync(Encoding.UTF8.GetBytes(pending.Manifest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies a manifest (UTF-8 JSON). Every outcome is also reported to the status sink, except
    /// <see cref="OtaErrorCode.Superseded"/>. Completes when the update ends; cancelling
    /// <paramref name="cancellationToken"/> stops waiting but not the update (dispose the updater to stop it).
    /// </summary>
    public async Task<OtaResult> SubmitAsync(ReadOnlyMemory<byte> manifestJson, CancellationToken cancellationToken)
    {
        await ResolveActiveModelDirectoryAsync(cancellationToken).ConfigureAwait(false);
        OtaManifest manifest;
        try
        {
            manifest = OtaManifest.Parse(manifestJson.Span);
        }
        catch (OtaManifestException e)
        {
            var (model, version) = PeekIdentity(manifestJson);
            var error = $"{OtaUpdateException.WireName(OtaErrorCode.InvalidManifest)}: {e.Message}";
            OtaLog.UpdateRejected(_logger, model, version, error);
            var status = new OtaStatus(model, version, OtaPhase.Rejected, 0, error);
            await _status.ReportAsync(status, cancellationToken).ConfigureAwait(false);
            return new OtaResult(status, OtaErrorCode.InvalidManifest, false);
        }

        return await Enqueue(manifest, Encoding.UTF8.GetString(manifestJson.Span)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops a running update (its partial download stays for the next start) and the confirmation timer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        lock (_timerLock)
        {
            _confirmTimer?.Dispose();
            _confirmTimer = null;
        }

        try
        {
            await Task.WhenAll(_worker, _background).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private Task<OtaResult> Enqueue(OtaManifest manifest, string json)
    {
        lock (_queueLock)
        {
            if (_running is { } running && running.Manifest.IsSameUpdateAs(manifest))
            {
                OtaLog.DuplicateIgnored(_logger, manifest.Model, manifest.Version, "being applied");
                return running.Completion.Task;
            }

            if (_waiting is { } waiting)
            {
                if (waiting.Manifest.IsSameUpdateAs(manifest))
                {
                    OtaLog.DuplicateIgnored(_logger, manifest.Model, manifest.Version, "queued");
                    return waiting.Completion.Task;
                }

                OtaLog.UpdateSuperseded(_logger, waiting.Manifest.Model, waiting.Manifest.Version, manifest.ToString());
                var status = new OtaStatus(waiting.Manifest.Model, waiting.Manifest.Version, OtaPhase.Rejected, 0,
                    $"{OtaUpdateException.WireName(OtaErrorCode.Superseded)}: replaced by {manifest} before it started");
                waiting.Completion.TrySetResult(new OtaResult(status, OtaErrorCode.Superseded, false));
            }

            var update = new QueuedUpdate(manifest, json);
            if (_running is null)
            {
                _running = update;
                _worker = Task.Run(() => WorkAsync(update));
            }
            else
            {
                OtaLog.UpdateQueued(_logger, manifest.Model, manifest.Version);
                _waiting = update;
            }

            return update.Completion.Task;
        }
    }

    private async Task WorkAsync(QueuedUpdate? update)
    {
        while (update is not null)
        {
            try
            {
                update.Completion.TrySetResult(await _pipeline.RunAsync(update.Manifest, update.Json, _stopping.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                update.Completion.TrySetCanceled(_stopping.Token);
            }
            catch (Exception e)
            {
                update.Completion.TrySetException(e);
            }

            lock (_queueLock)
            {
                update = _waiting;
                _waiting = null;
                _running = update;
            }
        }
    }

    private void ArmConfirmTimer(OtaStateEntry entry, TimeSpan within)
    {
        lock (_timerLock)
        {
            _confirmTimer?.Dispose();
            _confirmTimer = _time.CreateTimer(_ => _background = OnConfirmDeadlineAsync(entry), null, within, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnConfirmDeadlineAsync(OtaStateEntry entry)
    {
        try
        {
            var token = _stopping.Token;
            await _switcher.SwitchGate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                var rollback = _switcher.RollBackUnconfirmed(entry);
                if (rollback is null)
                {
                    return;
                }

                var (failed, serving) = rollback.Value;
                var target = serving?.ToString() ?? "the embedded default";
                var reason = $"not confirmed healthy within {_options.ConfirmSeconds} s (Ota:ConfirmSeconds)";
                OtaLog.RolledBack(_logger, failed.Model, failed.Version, target, reason);
                if (serving is not null)
                {
                    try
                    {
                        await _activator.ActivateAsync(serving, token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        OtaLog.ActivationFailed(_logger, serving.Model, serving.Version, e);
                    }
                }

                await _status.ReportAsync(new OtaStatus(failed.Model, failed.Version, OtaPhase.RolledBack, 0,
                    $"{OtaUpdateException.WireName(OtaErrorCode.NotConfirmed)}: {reason}; rolled back to {target}"), token).ConfigureAwait(false);
            }
            finally
            {
                _switcher.SwitchGate.Release();
            }

            await PruneAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException e)
        {
            OtaLog.CleanupFailed(_logger, _device.StateDirectory, e);
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        await _switcher.SwitchGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _switcher.Prune();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OtaLog.CleanupFailed(_logger, _device.StateDirectory, e);
        }
        finally
        {
            _switcher.SwitchGate.Release();
        }
    }

    private static (string Model, string Version) PeekIdentity(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return (Peek(root, "model"), Peek(root, "version"));
        }
        catch (JsonException)
        {
            return ("", "");
        }

        static string Peek(JsonElement root, string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : "";
    }

    private sealed class QueuedUpdate(OtaManifest manifest, string json)
    {
        public OtaManifest Manifest { get; } = manifest;

        public string Json { get; } = json;

        public TaskCompletionSource<OtaResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

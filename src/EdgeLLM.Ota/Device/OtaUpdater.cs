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
    private readonly ILogger _logger;
    private readonly OtaOptions _options;
    private readonly OtaCoordinator _coordinator;
    private readonly OtaUpdatePipeline _pipeline;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _queueLock = new();
    private Task<OtaInstalledModel?>? _recovery;
    private QueuedUpdate? _running;
    private QueuedUpdate? _waiting;
    private Task _worker = Task.CompletedTask;
    private bool _disposed;

    /// <param name="options">Bound from <c>EdgeLLM:Ota</c> and validated at host start-up (<see cref="OtaServiceCollectionExtensions.AddOtaOptions"/>).</param>
    /// <param name="device">Device id, state directory, runtime version and the embedded default model.</param>
    /// <param name="host">How the updater tests, activates and reports models on the serving side.</param>
    /// <param name="httpClient">Downloads bundles; give it an infinite <see cref="HttpClient.Timeout"/> (the updater has its own timeouts).</param>
    /// <param name="logger">Logger.</param>
    /// <param name="timeProvider">Clock for the confirmation deadline and retry pauses; the system clock when null.</param>
    /// <param name="stepObserver">Optional observer of durable steps (diagnostics, crash tests).</param>
    public OtaUpdater(
        IOptions<OtaOptions> options, OtaDeviceContext device, OtaHostBindings host, HttpClient httpClient, ILogger<OtaUpdater> logger,
        TimeProvider? timeProvider = null, IOtaStepObserver? stepObserver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(httpClient);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        var settings = options.Value;
        _options = settings;
        var time = timeProvider ?? TimeProvider.System;
        var status = new OtaStatusReporter(host.Status, _logger, settings.ProgressStepPercent);
        _coordinator = new OtaCoordinator(device, settings, host.Activator, status, _logger, time);
        var downloader = new OtaBundleDownloader(httpClient, settings.DownloadSettings, _logger, time);
        _pipeline = new OtaUpdatePipeline(settings, device, _coordinator, host.Validator, downloader, new OtaFileFetcher(downloader, _logger), stepObserver, _logger);
    }

    /// <summary>The last status reported (for <c>/metrics</c>), or null before the first.</summary>
    public OtaStatus? LastStatus => _coordinator.Status.Last;

    /// <summary>The model serving now as far as OTA knows (null: the host's configured default).</summary>
    public OtaInstalledModel? ActiveModel => _coordinator.Active;

    /// <summary>True while a switched version waits for <see cref="ConfirmHealthy"/>.</summary>
    public bool AwaitingConfirmation => !_coordinator.Journal.ActiveConfirmed;

    /// <summary>
    /// Start-up recovery, then the model directory to serve: removes leftovers of an interrupted update,
    /// finishes an interrupted switch, and rolls a switched-but-unconfirmed version back to the previous one when
    /// its <c>Ota:ConfirmSeconds</c> have passed or the service already restarted once without confirming it
    /// (reporting <c>rolled_back</c>). Otherwise the unconfirmed version serves and must be confirmed in time.
    /// Runs once; later calls return the first answer (a recovery that failed runs again).
    /// </summary>
    /// <returns>The directory to serve, or null when OTA installed none and <see cref="OtaDeviceContext.DefaultModel"/> is null.</returns>
    public async Task<string?> ResolveActiveModelDirectoryAsync(CancellationToken cancellationToken)
    {
        Task<OtaInstalledModel?> recovery;
        lock (_queueLock)
        {
            if (_recovery is null || _recovery.IsFaulted || _recovery.IsCanceled)
            {
                _recovery = _coordinator.RecoverAsync(_stopping.Token);
            }

            recovery = _recovery;
        }

        return (await recovery.WaitAsync(cancellationToken).ConfigureAwait(false))?.Directory;
    }

    /// <summary>
    /// Tells OTA that the serving model works (call once it has answered requests after a start or a swap).
    /// Makes an unconfirmed switch permanent and prunes versions beyond <c>Ota:KeepVersions</c> in the background.
    /// </summary>
    /// <returns>True when a switch was waiting for confirmation.</returns>
    public bool ConfirmHealthy() => _coordinator.Confirm();

    /// <summary>Submits the update a crash or power loss interrupted, if any; null when none was pending.</summary>
    public async Task<OtaResult?> ResumeInterruptedAsync(CancellationToken cancellationToken)
    {
        await ResolveActiveModelDirectoryAsync(cancellationToken).ConfigureAwait(false);
        if (_coordinator.Journal.Pending is not { } pending)
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
            await _coordinator.Status.ReportAsync(status, cancellationToken).ConfigureAwait(false);
            return new OtaResult(status, OtaErrorCode.InvalidManifest, false);
        }

        if (manifest.Abort)
        {
            return await AbortAsync(manifest, cancellationToken).ConfigureAwait(false);
        }

        return await Enqueue(manifest, Encoding.UTF8.GetString(manifestJson.Span)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when <paramref name="manifestJson"/> is an abort notice (<c>"abort": true</c>), which a host must hand to
    /// <see cref="SubmitAsync"/> at once rather than behind the update it stops. Throws nothing.
    /// </summary>
    public static bool IsAbortNotice(ReadOnlySpan<byte> manifestJson)
    {
        try
        {
            var reader = new Utf8JsonReader(manifestJson);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("abort", out var abort) && abort.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A signed abort notice: a waiting or running update to its version stops before its switch (reported
    /// <c>rejected</c>, <c>rollout_aborted</c>), and when the version serves here the device rolls back to its previous
    /// version. A device that has nothing of that version reports nothing: its last status stays what it was.
    /// </summary>
    private async Task<OtaResult> AbortAsync(OtaManifest abort, CancellationToken cancellationToken)
    {
        using (var keys = Signing.OtaTrustedKeySet.LoadDirectory(_options.TrustedKeysDir))
        {
            var signature = Signing.OtaSignatureVerifier.Verify(abort, keys);
            if (!signature.IsValid)
            {
                // Anyone who can publish may send an abort; only a signed one may roll a device back.
                var refused = new OtaStatus(abort.Model, abort.Version, OtaPhase.Rejected, 0, $"{OtaUpdateException.WireName(OtaErrorCode.BadSignature)}: abort notice: {signature.Reason}");
                OtaLog.UpdateRejected(_logger, abort.Model, abort.Version, refused.Error!);
                await _coordinator.Status.ReportAsync(refused, cancellationToken).ConfigureAwait(false);
                return new OtaResult(refused, OtaErrorCode.BadSignature, false);
            }
        }

        Task? stopping = null;
        lock (_queueLock)
        {
            if (_waiting is { } waiting && IsSameVersion(waiting.Manifest, abort))
            {
                _waiting = null;
                waiting.Completion.TrySetResult(new OtaResult(Aborted(waiting.Manifest), OtaErrorCode.RolloutAborted, false));
            }

            if (_running is { } running && IsSameVersion(running.Manifest, abort))
            {
                running.Abort.Cancel();
                stopping = running.Completion.Task;
            }
        }

        if (stopping is not null)
        {
            // A switch already under way is not cut short: it ends first, and is then rolled back below.
            await stopping.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        OtaLog.RolloutAborted(_logger, abort.Model, abort.Version);
        var rolledBack = await _coordinator.RollBackAbortedAsync(abort, cancellationToken).ConfigureAwait(false);
        return new OtaResult(rolledBack ?? Aborted(abort), OtaErrorCode.RolloutAborted, false);

        static bool IsSameVersion(OtaManifest update, OtaManifest abort) => update.Model == abort.Model && update.Version == abort.Version;
    }

    private static OtaStatus Aborted(OtaManifest manifest) => new(manifest.Model, manifest.Version, OtaPhase.Rejected, 0,
        $"{OtaUpdateException.WireName(OtaErrorCode.RolloutAborted)}: the operator aborted the rollout before this device switched; nothing changed");

    /// <summary>Stops a running update (its partial download stays for the next start) and the confirmation deadline.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _coordinator.DisposeAsync().ConfigureAwait(false);
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
            var run = RunAsync(update);
            await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var finished = update;
            lock (_queueLock)
            {
                update = _waiting;
                _waiting = null;
                _running = update;
            }

            // Out of the queue before its callers hear: the same manifest sent again once they have the result is a new
            // submission (not a join of the finished run), and an abort no longer reaches the token disposed here.
            finished.Abort.Dispose();
            finished.Completion.TrySetFromTask(run);
        }
    }

    /// <summary>One update through the pipeline: its result, cancelled when the updater stops, faulted on an error.</summary>
    private async Task<OtaResult> RunAsync(QueuedUpdate update)
    {
        try
        {
            return await _pipeline.RunAsync(update.Manifest, update.Json, _stopping.Token, update.Abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (update.Abort.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            // Stopped before its switch: the serving model is untouched; forget the pending update and its download.
            _coordinator.ClearPending(update.Manifest);
            OtaModelStore.DeleteDownload(_coordinator.Store.DownloadPath(update.Manifest));
            OtaModelStore.DeleteDownload(_coordinator.Store.DownloadPath(update.Manifest) + ".part");
            var status = Aborted(update.Manifest);
            await _coordinator.Status.ReportAsync(status, CancellationToken.None).ConfigureAwait(false);
            return new OtaResult(status, OtaErrorCode.RolloutAborted, false);
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

        /// <summary>Cancelled by an abort notice of this version: stops the update before its switch.</summary>
        public CancellationTokenSource Abort { get; } = new();
    }
}

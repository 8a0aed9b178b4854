using System.Globalization;
using System.Text.Json;
using EdgeLLM.Ota;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;
using EdgeLLM.Ota.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Cli.Fleet.Simulation;

/// <summary>
/// One simulated device: the device side of the OTA topics without a model or files. It decides about each manifest
/// with the device's own code (<see cref="OtaManifest"/>, <see cref="OtaPreflight"/>: signature, runtime, rollout
/// bucket, versions, earlier rollbacks), reports with the device's <see cref="OtaStatus"/> JSON and phases, and keeps
/// what a device's journal keeps (active, previous, rolled-back versions). Downloading and testing only take time
/// (<see cref="FleetSimulatorOptions.StepDuration"/> each) and fail as <see cref="SimulatedFaults"/> say.
/// </summary>
/// <remarks>
/// The device owns its state: every change runs on its own chain of tasks, one at a time, in arrival order (as
/// <c>OtaUpdater</c> runs one update at a time). Only an abort acts at once, cancelling the update it stops.
/// </remarks>
internal sealed partial class SimulatedDevice
{
    private readonly FleetSimulatorOptions _options;
    private readonly OtaDeviceContext _context;
    private readonly OtaTrustedKeySet _keys;
    private readonly Func<string, byte[], CancellationToken, Task> _publish;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<(string Model, string Version, string Sha256)> _rolledBack = [];
    private readonly string _statusTopic;
    private readonly string _otaStatusTopic;
    private readonly DateTimeOffset _since;
    private readonly TaskCompletionSource _abortHandled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _tail = Task.CompletedTask;
    private (OtaManifest Manifest, CancellationTokenSource Stop)? _running;
    private OtaStateEntry _active;
    private OtaStateEntry? _previous;
    private string? _lastOtaStatus;
    private int _installs;

    public SimulatedDevice(string id, FleetSimulatorOptions options, OtaTrustedKeySet keys, Func<string, byte[], CancellationToken, Task> publish, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _publish = publish ?? throw new ArgumentNullException(nameof(publish));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Id = id;
        var builtin = new OtaInstalledModel(options.Model, options.Version, "");
        _context = new OtaDeviceContext(id, "", options.RuntimeVersion, builtin);
        _active = new OtaStateEntry(options.Model, options.Version, null, null, Builtin: true);
        _statusTopic = $"{options.Root}/{id}/status";
        _otaStatusTopic = $"{options.Root}/{id}/ota/status";
        _since = options.Time.GetUtcNow();
        Silent = options.Faults.IsSilent(id);
    }

    public string Id { get; }

    /// <summary>This device takes manifests and never reports on them (<see cref="SimulatedFaults.SilentPercent"/>).</summary>
    public bool Silent { get; }

    /// <summary>The version it serves now.</summary>
    public OtaStateEntry Active
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
    }

    /// <summary>How many times it switched to a new version (a test's proof that a device outside a rollout never installed).</summary>
    public int Installs => Volatile.Read(ref _installs);

    /// <summary>Completes when everything received so far has been handled.</summary>
    public Task Idle
    {
        get
        {
            lock (_lock)
            {
                return _tail;
            }
        }
    }

    /// <summary>Completes once the device has handled an abort notice: an operator's abort arrives over the broker after
    /// the rollout command ends, so <see cref="Idle"/> alone may complete before the notice has come.</summary>
    public Task AbortHandled => _abortHandled.Task;

    /// <summary>Publishes the retained device status (online, the served version, the OTA group).</summary>
    public Task PublishStatusAsync(string state, CancellationToken cancellationToken) =>
        _publish(_statusTopic, StatusJson(state), cancellationToken);

    /// <summary>Takes a manifest addressed to this device (its own topic or its group's); returns at once.</summary>
    public void Receive(OtaManifest manifest, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (manifest.Abort)
            {
                // An abort must not wait behind the update it stops.
                if (_running is { } running && running.Manifest.Model == manifest.Model && running.Manifest.Version == manifest.Version)
                {
                    running.Stop.Cancel();
                }
            }
            else if (_running is { } running && running.Manifest.IsSameUpdateAs(manifest))
            {
                return;
            }

            _tail = _tail.ContinueWith(_ => HandleAsync(manifest, cancellationToken), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Answers a manifest that could not be read, as a device does (<c>invalid_manifest</c>).</summary>
    public void ReceiveInvalid(string model, string version, string reason, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _tail = _tail.ContinueWith(_ => ReportAsync(new OtaStatus(model, version, OtaPhase.Rejected, 0,
                $"{OtaUpdateException.WireName(OtaErrorCode.InvalidManifest)}: {reason}"), cancellationToken), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task HandleAsync(OtaManifest manifest, CancellationToken cancellationToken)
    {
        try
        {
            if (manifest.Abort)
            {
                await AbortAsync(manifest, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UpdateAsync(manifest, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The simulator stops, or an abort stopped a silent device's update (it says nothing, as ever).
        }
        catch (FleetBrokerException e)
        {
            // A real device would report again after reconnecting; the simulated one says so and takes the next message.
            LogPublishFailed(_logger, Id, manifest.ToString(), e.Message);
        }
        finally
        {
            if (manifest.Abort)
            {
                // Handled: rolled back or not concerned, whether or not its report went out.
                _abortHandled.TrySetResult();
            }
        }
    }

    [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "Simulated device {Device} could not report on {Manifest}: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string device, string manifest, string reason);

    private async Task UpdateAsync(OtaManifest manifest, CancellationToken cancellationToken)
    {
        OtaStateEntry active;
        bool rolledBack;
        lock (_lock)
        {
            active = _active;
            rolledBack = _rolledBack.Contains((manifest.Model, manifest.Version, manifest.Sha256));
        }

        var check = OtaPreflight.Check(manifest, _keys, _context, active, rolledBack, long.MaxValue, _logger);
        if (check.Refusal is { } refusal)
        {
            await ReportAsync(Rejected(manifest, refusal, check.Reason!), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (check.AlreadyActive)
        {
            await ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Active, 1, null), cancellationToken).ConfigureAwait(false);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_lock)
        {
            _running = (manifest, stop);
        }

        try
        {
            await RunStepsAsync(manifest, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !Silent)
        {
            await ReportAsync(Rejected(manifest, OtaErrorCode.RolloutAborted, "the operator aborted the rollout before this device switched; nothing changed"),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _running = null;
            }
        }
    }

    private async Task RunStepsAsync(OtaManifest manifest, CancellationToken cancellationToken)
    {
        if (Silent)
        {
            // Takes the manifest and never reports: the operator's in-progress timeout is what notices.
            await Task.Delay(Timeout.InfiniteTimeSpan, _options.Time, cancellationToken).ConfigureAwait(false);
        }

        await ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Downloading, 0, null), cancellationToken).ConfigureAwait(false);
        await Task.Delay(_options.StepDuration, _options.Time, cancellationToken).ConfigureAwait(false);
        if (_options.Faults.FailsDownload(Id))
        {
            await ReportAsync(Rejected(manifest, OtaErrorCode.DownloadFailed, $"GET {manifest.UrlText}: simulated failure (retries ran out)"), cancellationToken).ConfigureAwait(false);
            return;
        }

        await ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Testing, 0, null), cancellationToken).ConfigureAwait(false);
        await Task.Delay(_options.StepDuration, _options.Time, cancellationToken).ConfigureAwait(false);
        if (_options.Faults.FailsSmokeTest(Id))
        {
            await ReportAsync(Rejected(manifest, OtaErrorCode.SmokeTestFailed, "smoke case 0: greedy ids differ from smoke.json (simulated)"), cancellationToken).ConfigureAwait(false);
            return;
        }

        lock (_lock)
        {
            // The switch: the last confirmed version becomes the rollback target, as in OtaCoordinator.
            _previous = _active;
            _active = new OtaStateEntry(manifest.Model, manifest.Version, $"models/{manifest.Model}/versions/{manifest.Version}", manifest.Sha256, Builtin: false);
            _installs++;
        }

        await PublishStatusAsync("online", cancellationToken).ConfigureAwait(false);
        await ReportAsync(new OtaStatus(manifest.Model, manifest.Version, OtaPhase.Active, 1, null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A signed abort of the version this device switched to sends it back to its previous version; otherwise nothing changes.</summary>
    private async Task AbortAsync(OtaManifest abort, CancellationToken cancellationToken)
    {
        if (!OtaSignatureVerifier.Verify(abort, _keys).IsValid)
        {
            // Anyone who can publish may send an abort; only a signed one may roll a device back.
            await ReportAsync(Rejected(abort, OtaErrorCode.BadSignature, "the abort notice's signature does not verify"), cancellationToken).ConfigureAwait(false);
            return;
        }

        OtaStateEntry failed;
        lock (_lock)
        {
            if (_active.Builtin || _active.Model != abort.Model || _active.Version != abort.Version)
            {
                return;
            }

            failed = _active;
            _active = _previous ?? new OtaStateEntry(_options.Model, _options.Version, null, null, Builtin: true);
            _previous = null;
            _rolledBack.Add((failed.Model, failed.Version, failed.Sha256 ?? ""));
        }

        await PublishStatusAsync("online", cancellationToken).ConfigureAwait(false);
        await ReportAsync(new OtaStatus(failed.Model, failed.Version, OtaPhase.RolledBack, 0,
            $"{OtaUpdateException.WireName(OtaErrorCode.RolloutAborted)}: the operator aborted the rollout of {failed.Model}@{failed.Version}; serving {Active.Model}@{Active.Version} again"),
            cancellationToken).ConfigureAwait(false);
    }

    private static OtaStatus Rejected(OtaManifest manifest, OtaErrorCode code, string reason) =>
        new(manifest.Model, manifest.Version, OtaPhase.Rejected, 0, $"{OtaUpdateException.WireName(code)}: {reason}");

    /// <summary>Publishes an OTA status unless it repeats the last one (a widened wave re-asks every device of the group).</summary>
    private Task ReportAsync(OtaStatus status, CancellationToken cancellationToken)
    {
        var json = status.ToJson();
        lock (_lock)
        {
            if (json == _lastOtaStatus)
            {
                return Task.CompletedTask;
            }

            _lastOtaStatus = json;
        }

        return _publish(_otaStatusTopic, System.Text.Encoding.UTF8.GetBytes(json), cancellationToken);
    }

    /// <summary>The service's retained status document, plus <c>ota_group</c> (see docs/OTA.md).</summary>
    private byte[] StatusJson(string state)
    {
        var active = Active;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("state", state);
            w.WriteString("model", active.Model);
            w.WriteString("model_version", active.Version);
            w.WriteString("runtime_version", _options.RuntimeVersion);
            w.WriteString("execution_provider", "simulated");
            w.WriteString("device_profile", "simulated");
            w.WriteString("since", _since.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("ota_group", _options.Group);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

using System.Security.Cryptography;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// Runs one rollout to its end over the broker: the one owner of its state. It reads the fleet's retained statuses and
/// the rollout's retained state, starts the first wave (or takes up the wave a crashed run left), and from then on
/// reacts to each status change and each in-progress deadline: the abort gate (<see cref="RolloutGate"/>) is checked
/// after every change, and the next wave starts when every device of the started waves is done. Every transition is
/// published before it counts (wave manifest first, then the state that names it), so a run killed at any moment is
/// continued by the next one without restarting a wave.
/// </summary>
internal sealed class RolloutRunner
{
    /// <summary>How long an aborted rollout waits for its switched devices to report their rollback before it ends.</summary>
    private static readonly TimeSpan RollbackWaitLimit = TimeSpan.FromMinutes(2);

    private readonly FleetConnection _connection;
    private readonly FleetTopics _topics;
    private readonly RolloutRequest _request;
    private readonly ECDsa _key;
    private readonly IRolloutReporter _reporter;
    private readonly TimeProvider _time;
    private readonly FleetView _view;
    private readonly string _stateTopic;
    private RolloutState? _retainedState;
    private OtaManifest? _retainedGroupManifest;

    public RolloutRunner(FleetConnection connection, FleetTopics topics, RolloutRequest request, ECDsa key, IRolloutReporter reporter, TimeProvider? time = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _topics = topics ?? throw new ArgumentNullException(nameof(topics));
        _request = request ?? throw new ArgumentNullException(nameof(request));
        _key = key ?? throw new ArgumentNullException(nameof(key));
        _reporter = reporter ?? throw new ArgumentNullException(nameof(reporter));
        _time = time ?? TimeProvider.System;
        _view = new FleetView(topics);
        _stateTopic = StateTopic(topics, request.Name);
    }

    /// <summary>Where a rollout's state is retained.</summary>
    public static string StateTopic(FleetTopics topics, string name) => topics.GroupOta(name)[..^"ota".Length] + "rollout";

    /// <summary>Runs the rollout (or resumes it) until it completes, is aborted or expires; returns its final state.</summary>
    /// <exception cref="RolloutConflictException">Another version's rollout runs under this name.</exception>
    /// <exception cref="FleetBrokerException">The broker went away or refused.</exception>
    public async Task<RolloutState> RunAsync(CancellationToken cancellationToken)
    {
        List<string> filters = [_topics.StatusFilter, _topics.OtaStatusFilter, _stateTopic];
        if (_request.Group is { } group)
        {
            filters.Add(_topics.GroupOta(group));
        }

        await _connection.SubscribeAsync(filters, cancellationToken).ConfigureAwait(false);
        await _connection.SyncAsync(cancellationToken).ConfigureAwait(false);
        Drain();

        var (state, resumed) = Begin(_time.GetUtcNow());
        if (state.IsFinished)
        {
            var done = RolloutProgress.Compute(state, _view, _time.GetUtcNow());
            _reporter.Finished(state, done);
            return state;
        }

        _reporter.Started(state, RolloutProgress.Compute(state, _view, _time.GetUtcNow()), resumed);
        if (state.Plan.StartAt is { } startAt && startAt > _time.GetUtcNow())
        {
            await Task.Delay(startAt - _time.GetUtcNow(), _time, cancellationToken).ConfigureAwait(false);
        }

        if (state.Waves.Count == 0)
        {
            state = await StartWaveAsync(state, cancellationToken).ConfigureAwait(false);
        }
        else if (resumed)
        {
            await RepublishIfMissingAsync(state, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var now = _time.GetUtcNow();
            var progress = RolloutProgress.Compute(state, _view, now);
            _reporter.Progress(state, progress);
            if (RolloutGate.Check(progress.Total, state.Plan) is { } reason)
            {
                return await AbortAsync(state, progress, reason, cancellationToken).ConfigureAwait(false);
            }

            if (progress.WavesDone)
            {
                if (state.Waves.Count >= state.Plan.WavesFor(progress.Population).Count)
                {
                    return await FinishAsync(state with { Outcome = RolloutState.Completed }, progress, cancellationToken).ConfigureAwait(false);
                }

                if (state.Plan.EndAt is { } endAt && now >= endAt)
                {
                    return await FinishAsync(state with { Outcome = RolloutState.Expired, Reason = $"the plan's end_at {endAt:u} passed before wave {state.Waves.Count + 1}" },
                        progress, cancellationToken).ConfigureAwait(false);
                }

                state = await StartWaveAsync(state, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await WaitForChangeAsync(RolloutProgress.NextDeadline(state, progress, now), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The state to go on with: the retained one for this version, or a new one.</summary>
    private (RolloutState State, bool Resumed) Begin(DateTimeOffset now)
    {
        var manifest = _request.Manifest;
        if (_retainedState is { } retained)
        {
            if (retained.Model == manifest.Model && retained.Version == manifest.Version && retained.Sha256 == manifest.Sha256)
            {
                return (retained, !retained.IsFinished);
            }

            if (!retained.IsFinished)
            {
                throw new RolloutConflictException(
                    $"rollout '{_request.Name}' of {retained.Model}@{retained.Version} is still running (its state is retained at {_stateTopic}); let it finish, or abort it first");
            }
        }

        return (new RolloutState
        {
            Name = _request.Name,
            Model = manifest.Model,
            Version = manifest.Version,
            Sha256 = manifest.Sha256,
            Seed = _request.Seed,
            Group = _request.Group,
            DeviceList = _request.DeviceList,
            Plan = _request.Plan,
            CreatedAt = now,
            UpdatedAt = now,
        }, false);
    }

    private async Task<RolloutState> StartWaveAsync(RolloutState state, CancellationToken cancellationToken)
    {
        var target = RolloutProgress.Target(state, _view);
        var index = state.Waves.Count;
        var spec = state.Plan.WavesFor(target.Count)[index];
        var previous = index == 0 ? null : state.Waves[index - 1];
        int percent, devices;
        if (state.Group is not null)
        {
            percent = Math.Max(previous?.Percent ?? 0, spec.Percent ?? RolloutProgress.PercentReaching(target, spec.Devices!.Value));
            devices = target.Count(d => d.Bucket < percent);
        }
        else
        {
            percent = 100;
            devices = Math.Max(previous?.Devices ?? 0, spec.DeviceCount(target.Count));
        }

        var wave = new RolloutStartedWave(index, spec.ToString(), percent, devices, _time.GetUtcNow());
        var started = state with { Waves = [.. state.Waves, wave], UpdatedAt = wave.StartedAt };
        await PublishWaveAsync(started, wave, target, cancellationToken).ConfigureAwait(false);
        await _connection.PublishAsync(_stateTopic, started.ToJson(), retain: true, cancellationToken).ConfigureAwait(false);
        _reporter.WaveStarted(started, wave, RolloutProgress.Compute(started, _view, _time.GetUtcNow()));
        return started;
    }

    /// <summary>The wave's manifest: one retained group manifest with the wave's percent, or one per listed device the wave adds.</summary>
    private async Task PublishWaveAsync(RolloutState state, RolloutStartedWave wave, IReadOnlyList<(string Id, int Bucket)> target, CancellationToken cancellationToken)
    {
        if (state.Group is { } group)
        {
            await _connection.PublishAsync(_topics.GroupOta(group), RolloutManifests.ForWave(_request.ManifestJson, wave.Percent, state.Seed, _key), retain: true,
                cancellationToken).ConfigureAwait(false);
            return;
        }

        var manifest = RolloutManifests.ForWave(_request.ManifestJson, 100, state.Seed, _key);
        var from = wave.Index == 0 ? 0 : state.Waves[wave.Index - 1].Devices;
        await Task.WhenAll(target.Skip(from).Take(wave.Devices - from)
            .Select(d => _connection.PublishAsync(_topics.DeviceOta(d.Id), manifest, retain: true, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// On resume: the wave's manifest went out before its state was written, so it normally is there; put it back when
    /// the retained group manifest is gone or another (taken down or replaced by hand while the tool was not running).
    /// </summary>
    private async Task RepublishIfMissingAsync(RolloutState state, CancellationToken cancellationToken)
    {
        var wave = state.Waves[^1];
        if (state.Group is not null
            && _retainedGroupManifest is { Abort: false } m && m.Model == state.Model && m.Version == state.Version && m.Rollout.Percent == wave.Percent)
        {
            return;
        }

        // A device list's manifests are idempotent on devices (the same update joins or is already active).
        await PublishWaveAsync(state, wave, RolloutProgress.Target(state, _view), cancellationToken).ConfigureAwait(false);
    }

    private async Task<RolloutState> AbortAsync(RolloutState state, RolloutProgress progress, string reason, CancellationToken cancellationToken)
    {
        var abort = RolloutManifests.Abort(_request.ManifestJson, state.Seed, _key);
        if (state.Group is { } group)
        {
            // Replacing the retained wave manifest also means a device that has not started never will.
            await _connection.PublishAsync(_topics.GroupOta(group), abort, retain: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAll(progress.Devices.Keys.Select(id => _connection.PublishAsync(_topics.DeviceOta(id), abort, retain: true, cancellationToken)))
                .ConfigureAwait(false);
        }

        var aborted = state with { Outcome = RolloutState.Aborted, Reason = reason, UpdatedAt = _time.GetUtcNow() };
        await _connection.PublishAsync(_stateTopic, aborted.ToJson(), retain: true, cancellationToken).ConfigureAwait(false);

        // Wait (bounded) until no device serves the aborted version or is still updating to it, so the summary says where they ended.
        var until = _time.GetUtcNow() + (state.Plan.InProgressTimeout < RollbackWaitLimit ? state.Plan.InProgressTimeout : RollbackWaitLimit);
        var final = RolloutProgress.Compute(aborted, _view, _time.GetUtcNow());
        while (final.Total[RolloutOutcome.Succeeded] + final.Total[RolloutOutcome.InProgress] > 0 && _time.GetUtcNow() < until)
        {
            await WaitForChangeAsync(until, cancellationToken).ConfigureAwait(false);
            final = RolloutProgress.Compute(aborted, _view, _time.GetUtcNow());
        }

        _reporter.Finished(aborted, final);
        return aborted;
    }

    private async Task<RolloutState> FinishAsync(RolloutState state, RolloutProgress progress, CancellationToken cancellationToken)
    {
        var finished = state with { UpdatedAt = _time.GetUtcNow() };
        await _connection.PublishAsync(_stateTopic, finished.ToJson(), retain: true, cancellationToken).ConfigureAwait(false);
        _reporter.Finished(finished, progress);
        return finished;
    }

    /// <summary>Returns when a message has arrived (all that arrived are taken in) or <paramref name="until"/> has come.</summary>
    private async Task WaitForChangeAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var arrived = _connection.Messages.WaitToReadAsync(timer.Token).AsTask();
        if (until is { } deadline)
        {
            var delay = deadline - _time.GetUtcNow();
            var elapsed = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time, timer.Token);
            await Task.WhenAny(arrived, elapsed).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAny(arrived).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await timer.CancelAsync().ConfigureAwait(false);
        if (arrived is { IsCompletedSuccessfully: true, Result: false })
        {
            throw new FleetBrokerException("the broker closed the connection");
        }

        if (arrived.IsFaulted)
        {
            await arrived.ConfigureAwait(false);
        }

        Drain();
    }

    private void Drain()
    {
        while (_connection.Messages.TryRead(out var message))
        {
            if (message.Topic == _stateTopic)
            {
                // Only the retained state met at the start matters; later ones are this run's own.
                if (_retainedState is null && !message.Payload.IsEmpty && message.Retained)
                {
                    _retainedState = RolloutState.Parse(message.Payload.Span);
                }
            }
            else if (_request.Group is { } group && message.Topic == _topics.GroupOta(group))
            {
                _retainedGroupManifest = TryParse(message.Payload);
            }
            else
            {
                _view.Apply(message);
            }
        }
    }

    private static OtaManifest? TryParse(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return payload.IsEmpty ? null : OtaManifest.Parse(payload.Span);
        }
        catch (OtaManifestException)
        {
            return null;
        }
    }
}

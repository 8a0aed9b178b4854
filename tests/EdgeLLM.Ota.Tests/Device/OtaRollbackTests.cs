using EdgeLLM.Ota;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Device;

/// <summary>A switched version must be confirmed healthy within Ota:ConfirmSeconds, across restarts, or it is rolled back.</summary>
public sealed class OtaRollbackTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
    private OtaTestRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await OtaTestRig.StartAsync();
        _rig.Clock = _clock;
        _rig.Options.ConfirmSeconds = 120;
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task An_unconfirmed_switch_is_rolled_back_to_the_embedded_default_at_a_restart_after_the_deadline()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var first = _rig.CreateUpdater();
        await first.SubmitAsync(bundle.Manifest, CancellationToken.None);
        await first.DisposeAsync(); // crash-like stop before ConfirmHealthy
        _clock.Advance(TimeSpan.FromSeconds(121));

        var restarted = _rig.CreateUpdater();
        var directory = await restarted.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.Equal(_rig.DefaultModel.Directory, directory);
        Assert.Null(_rig.CurrentLinkTarget());
        var status = _rig.Status.All[^1];
        Assert.Equal((OtaPhase.RolledBack, "1.1.0"), (status.Phase, status.Version));
        Assert.Equal("not_confirmed: not confirmed healthy within 120 s (Ota:ConfirmSeconds) of the switch; rolled back to iot-test@1.0.0", status.Error);
        Assert.False(Directory.Exists(Path.Combine(_rig.StateDirectory, "models", "iot-test", "versions", "1.1.0")));
    }

    [Fact]
    public async Task An_unconfirmed_switch_is_rolled_back_to_the_previous_confirmed_version()
    {
        var previous = await _rig.PublishAsync("1.1.0");
        var next = await _rig.PublishAsync("1.2.0");
        var first = _rig.CreateUpdater();
        await first.SubmitAsync(previous.Manifest, CancellationToken.None);
        first.ConfirmHealthy();
        await first.SubmitAsync(next.Manifest, CancellationToken.None);
        await first.DisposeAsync();
        _clock.Advance(TimeSpan.FromMinutes(10));

        var restarted = _rig.CreateUpdater();
        var directory = await restarted.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.NotNull(directory);
        TestModelDirectory.AssertSameFiles(previous.SourceDirectory, directory);
        Assert.Equal("../models/iot-test/versions/1.1.0", _rig.CurrentLinkTarget());
        Assert.Equal((OtaPhase.RolledBack, "1.2.0"), (_rig.Status.All[^1].Phase, _rig.Status.All[^1].Version));
        Assert.False(restarted.AwaitingConfirmation);
    }

    [Fact]
    public async Task A_restart_within_the_window_keeps_the_new_version_and_a_second_unconfirmed_restart_rolls_it_back()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var first = _rig.CreateUpdater();
        await first.SubmitAsync(bundle.Manifest, CancellationToken.None);
        await first.DisposeAsync();
        _clock.Advance(TimeSpan.FromSeconds(10));

        var second = _rig.CreateUpdater();
        var kept = await second.ResolveActiveModelDirectoryAsync(CancellationToken.None);
        Assert.NotNull(kept);
        TestModelDirectory.AssertSameFiles(bundle.SourceDirectory, kept);
        Assert.True(second.AwaitingConfirmation);
        await second.DisposeAsync(); // crashed again while loading the new model
        _clock.Advance(TimeSpan.FromSeconds(10));

        var third = _rig.CreateUpdater();
        var directory = await third.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.Equal(_rig.DefaultModel.Directory, directory);
        Assert.Contains("restarted twice since the switch without confirming", _rig.Status.All[^1].Error);
    }

    [Fact]
    public async Task Confirming_after_a_restart_within_the_window_makes_the_switch_permanent()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var first = _rig.CreateUpdater();
        await first.SubmitAsync(bundle.Manifest, CancellationToken.None);
        await first.DisposeAsync();
        var second = _rig.CreateUpdater();
        await second.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.True(second.ConfirmHealthy());
        _clock.Advance(TimeSpan.FromHours(1));
        await second.DisposeAsync();
        var third = _rig.CreateUpdater();
        var directory = await third.ResolveActiveModelDirectoryAsync(CancellationToken.None);

        Assert.NotNull(directory);
        TestModelDirectory.AssertSameFiles(bundle.SourceDirectory, directory);
        Assert.DoesNotContain(_rig.Status.Phases, p => p == OtaPhase.RolledBack);
    }

    [Fact]
    public async Task Without_a_restart_an_unconfirmed_hot_swap_is_rolled_back_when_the_deadline_passes()
    {
        var previous = await _rig.PublishAsync("1.1.0");
        var next = await _rig.PublishAsync("1.2.0");
        var updater = _rig.CreateUpdater();
        await updater.SubmitAsync(previous.Manifest, CancellationToken.None);
        updater.ConfirmHealthy();
        await updater.SubmitAsync(next.Manifest, CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(121));
        var status = await _rig.Status.WaitForAsync(s => s.Phase == OtaPhase.RolledBack, TimeSpan.FromSeconds(10));

        Assert.Equal("1.2.0", status.Version);
        Assert.StartsWith("not_confirmed: ", status.Error);
        Assert.Equal(["1.1.0", "1.2.0", "1.1.0"], _rig.Activator.Activated.Select(a => a.Version));
        _rig.AssertServing(updater, previous.SourceDirectory);
        Assert.Equal("../models/iot-test/versions/1.1.0", _rig.CurrentLinkTarget());
    }

    [Fact]
    public async Task Confirming_before_the_deadline_cancels_the_rollback()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var updater = _rig.CreateUpdater();
        await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);

        updater.ConfirmHealthy();
        _clock.Advance(TimeSpan.FromHours(1));
        await updater.DisposeAsync();

        Assert.DoesNotContain(_rig.Status.Phases, p => p == OtaPhase.RolledBack);
        _rig.AssertServing(updater, bundle.SourceDirectory);
    }
}

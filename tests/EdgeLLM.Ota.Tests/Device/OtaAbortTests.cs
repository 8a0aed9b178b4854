using System.Text.Json.Nodes;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Signing;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Device;

/// <summary>
/// The device's side of an operator's abort (<c>fleet rollout</c>'s signed notice, <c>"abort": true</c> with rollout
/// percent 0): a switched device goes back to its previous version, confirmed or not; nothing else changes.
/// </summary>
public sealed class OtaAbortTests : IAsyncLifetime
{
    private OtaTestRig _rig = null!;

    public async Task InitializeAsync() => _rig = await OtaTestRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_signed_abort_rolls_a_confirmed_switch_back_to_the_previous_version_and_the_version_is_not_taken_again()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var updater = _rig.CreateUpdater();
        Assert.Equal(OtaPhase.Active, (await updater.SubmitAsync(bundle.Manifest, CancellationToken.None)).Status.Phase);
        Assert.True(updater.ConfirmHealthy());

        var notice = AbortNotice(bundle.Manifest, _rig.Key);
        Assert.True(OtaUpdater.IsAbortNotice(notice));
        var result = await updater.SubmitAsync(notice, CancellationToken.None);

        Assert.Equal((OtaPhase.RolledBack, OtaErrorCode.RolloutAborted), (result.Status.Phase, result.ErrorCode));
        Assert.StartsWith("rollout_aborted: ", result.Status.Error);
        Assert.Equal(_rig.DefaultModel, updater.ActiveModel);
        Assert.Equal(_rig.DefaultModel.Version, _rig.Activator.Activated[^1].Version);
        Assert.Null(_rig.CurrentLinkTarget());

        var again = await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);
        Assert.Equal(OtaErrorCode.PreviouslyRolledBack, again.ErrorCode);
    }

    [Fact]
    public async Task An_unsigned_abort_is_refused_and_the_switched_version_keeps_serving()
    {
        var bundle = await _rig.PublishAsync("1.1.0");
        var updater = _rig.CreateUpdater();
        await updater.SubmitAsync(bundle.Manifest, CancellationToken.None);
        var forged = AbortNotice(bundle.Manifest, OtaKeyPair.Generate());

        var result = await updater.SubmitAsync(forged, CancellationToken.None);

        Assert.Equal((OtaPhase.Rejected, OtaErrorCode.BadSignature), (result.Status.Phase, result.ErrorCode));
        Assert.Equal("1.1.0", updater.ActiveModel!.Version);
    }

    [Fact]
    public async Task An_abort_of_a_version_the_device_never_took_changes_nothing_and_reports_nothing()
    {
        var taken = await _rig.PublishAsync("1.1.0");
        var other = await _rig.PublishAsync("1.2.0");
        var updater = _rig.CreateUpdater();
        await updater.SubmitAsync(taken.Manifest, CancellationToken.None);
        var reported = _rig.Status.All.Count;

        var result = await updater.SubmitAsync(AbortNotice(other.Manifest, _rig.Key), CancellationToken.None);

        Assert.Equal(OtaErrorCode.RolloutAborted, result.ErrorCode);
        Assert.Equal(OtaPhase.Rejected, result.Status.Phase);
        Assert.Equal("1.1.0", updater.ActiveModel!.Version);
        Assert.Equal(reported, _rig.Status.All.Count);
    }

    [Fact]
    public void An_abort_notice_must_carry_rollout_percent_zero_so_older_devices_never_install_it()
    {
        var manifest = JsonNode.Parse("""{"model":"m","version":"1","url":"https://x/b.tar.gz","sha256":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","size":1,"abort":true}""")!;
        var error = Assert.Throws<EdgeLLM.Ota.Manifests.OtaManifestException>(() => EdgeLLM.Ota.Manifests.OtaManifest.Parse(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString())));
        Assert.Contains("rollout.percent", error.Message);
    }

    private static byte[] AbortNotice(byte[] manifest, OtaKeyPair key)
    {
        var node = JsonNode.Parse(manifest)!.AsObject();
        node.Remove("signature");
        node["abort"] = true;
        node["rollout"] = new JsonObject { ["percent"] = 0, ["seed"] = "s" };
        return TestSigning.Sign(node, key);
    }
}

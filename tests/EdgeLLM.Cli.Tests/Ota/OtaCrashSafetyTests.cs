using EdgeLLM.Cli.Tests.Ota.Support;

namespace EdgeLLM.Cli.Tests.Ota;

/// <summary>
/// The update runs in a real child process (<c>edgellm ota device-sim</c>) that is SIGKILLed at each step; the next
/// start must serve one complete model directory, the old one or the new one with every file intact, and
/// the update must still be able to finish.
/// </summary>
public sealed class OtaCrashSafetyTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private string _root = null!;
    private string _state = null!;
    private string _keys = null!;
    private string _oldModel = null!;
    private string _newModel = null!;
    private string _manifest = null!;
    private StaticBundleServer _server = null!;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("edgellm-ota-crash-").FullName;
        _state = Path.Combine(_root, "state");
        _keys = Path.Combine(_root, "trusted-keys");
        var bundles = Path.Combine(_root, "bundles");
        Directory.CreateDirectory(bundles);
        _server = await StaticBundleServer.StartAsync(bundles);
        _oldModel = CliModelDirectory.Create(Path.Combine(_root, "embedded", "iot-test"), "1.0.0");
        _newModel = CliModelDirectory.Create(Path.Combine(_root, "new", "iot-test"), "1.1.0", weightBytes: 512 * 1024);
        Assert.Equal(0, (await CliRunner.RunAsync("ota", "keygen", "--out", Path.Combine(_keys, "fleet"))).ExitCode);
        File.Move(Path.Combine(_keys, "fleet.pem"), Path.Combine(_root, "fleet-private.pem")); // devices hold public keys only
        Assert.Equal(0, (await CliRunner.RunAsync("ota", "pack", _newModel, "--out", bundles, "--url", _server.BaseAddress.AbsoluteUri)).ExitCode);
        _manifest = Path.Combine(bundles, "iot-test-1.1.0.json");
        Assert.Equal(0, (await CliRunner.RunAsync("ota", "sign", _manifest, "--key", Path.Combine(_root, "fleet-private.pem"))).ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData("Downloading", false)]
    [InlineData("Downloaded", false)] // verifying
    [InlineData("StagedFile", false)] // staging, halfway through the extraction
    [InlineData("Testing", false)]
    [InlineData("Installed", false)]
    [InlineData("Switching", false)]
    [InlineData("Switched", true)]
    [InlineData("Committed", true)]
    [InlineData("Activated", true)]
    public async Task Killed_at_a_step_the_device_restarts_on_one_complete_model_and_can_finish_the_update(string step, bool switched)
    {
        using (var doomed = Device("--manifest", _manifest, "--hold-at", step))
        {
            await doomed.WaitForAsync("hold", Timeout);
            doomed.Kill();
        }

        // Restart: recovery decides what serves before anything else happens; the model then serves fine and is confirmed.
        var served = await ResolveAsync("--confirm");
        var expected = switched ? _newModel : _oldModel;
        Assert.True(CliModelDirectory.HasSameFiles(expected, served),
            $"after a kill at {step} the device serves {served}, which is not a complete copy of {expected}");
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_state, "ota", "staging")));

        // The interrupted update completes (resumed from the journal), or is already there.
        using var finish = Device("--resume", "--manifest", _manifest, "--confirm");
        Assert.Equal(0, await finish.WaitForExitAsync(Timeout));
        var result = await finish.WaitForAsync("result", Timeout);
        Assert.Equal("active", result.GetProperty("phase").GetString());
        Assert.True(CliModelDirectory.HasSameFiles(_newModel, await ResolveAsync()));
    }

    [Fact]
    public async Task Killed_while_unconfirmed_twice_the_device_rolls_back_to_the_old_model()
    {
        using (var doomed = Device("--manifest", _manifest, "--hold-at", "Activated"))
        {
            await doomed.WaitForAsync("hold", Timeout);
            doomed.Kill();
        }

        Assert.True(CliModelDirectory.HasSameFiles(_newModel, await ResolveAsync())); // first start: still within the window
        using var second = Device();
        var resolved = await second.WaitForAsync("resolved", Timeout);
        var status = await second.WaitForAsync("status", Timeout);
        await second.WaitForExitAsync(Timeout);

        Assert.True(CliModelDirectory.HasSameFiles(_oldModel, resolved.GetProperty("directory").GetString()));
        Assert.Equal("rolled_back", status.GetProperty("phase").GetString());
        Assert.Equal("1.1.0", status.GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_failing_smoke_test_in_the_child_leaves_the_old_model_serving()
    {
        using var device = Device("--manifest", _manifest, "--fail-validation", "expected ids [4, 5] got [4, 9]");

        Assert.Equal(1, await device.WaitForExitAsync(Timeout));
        var result = await device.WaitForAsync("result", Timeout);

        Assert.Equal("rejected", result.GetProperty("phase").GetString());
        Assert.Equal("smoke_test_failed: expected ids [4, 5] got [4, 9]", result.GetProperty("error").GetString());
        Assert.True(CliModelDirectory.HasSameFiles(_oldModel, await ResolveAsync()));
    }

    private DeviceProcess Device(params string[] extra) => DeviceProcess.Start(
        ["--state-dir", _state, "--trusted-keys", _keys, "--default-model", _oldModel, "--device-id", "crash-test", .. extra]);

    private async Task<string?> ResolveAsync(params string[] extra)
    {
        using var device = Device(extra);
        var resolved = await device.WaitForAsync("resolved", Timeout);
        Assert.Equal(0, await device.WaitForExitAsync(Timeout));
        return resolved.GetProperty("directory").GetString();
    }
}

using System.Text;
using EdgeLLM.Cli.Fleet;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>How <c>fleet status</c> turns what devices publish into rows and rollout summaries.</summary>
public sealed class FleetViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FleetView _view = new(new FleetTopics("acme/edgellm"));

    private bool Receive(string topic, string payload, bool retained = true) =>
        _view.Apply(new FleetMessage(topic, Encoding.UTF8.GetBytes(payload), retained, Now));

    [Fact]
    public void Each_device_gets_one_row_from_its_status_and_ota_status()
    {
        Receive("acme/edgellm/gw-2/status", """{"state":"online","model":"iot-assist","model_version":"2099.1.1","runtime_version":"0.1.0","execution_provider":"cpu","device_profile":"raspberry-pi-5","since":"2026-12-01T07:00:00Z"}""");
        Receive("acme/edgellm/gw-2/ota/status", """{"model":"iot-assist","version":"2099.1.1","phase":"downloading","progress":0.25,"error":null,"code":null}""");
        Receive("acme/edgellm/gw-1/status", """{"state":"offline"}""");
        Receive("acme/edgellm/fleet/lab/ota", """{"model":"iot-assist"}""");
        Receive("other/gw-3/status", """{"state":"online"}""");

        Assert.Equal(["gw-1", "gw-2"], _view.Devices.Select(d => d.Id));
        var gw2 = _view.Devices.Last();
        Assert.Equal(("online", "iot-assist", "2099.1.1", "raspberry-pi-5"), (gw2.State, gw2.Model, gw2.ModelVersion, gw2.Profile));
        Assert.Equal(new FleetOtaStatus("iot-assist", "2099.1.1", "downloading", 0.25, null, null), gw2.Ota);
        Assert.True(gw2.Ota!.InProgress);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.Zero), gw2.LastSeen);
        Assert.Null(_view.Devices.First().LastSeen);
    }

    [Fact]
    public void The_last_will_keeps_what_the_device_served_and_a_live_message_sets_last_seen()
    {
        Receive("acme/edgellm/gw-1/status", """{"state":"online","model":"iot-assist","model_version":"1.0","since":"2026-12-01T07:00:00Z"}""");
        Receive("acme/edgellm/gw-1/status", """{"state":"offline"}""", retained: false);

        var row = Assert.Single(_view.Devices);
        Assert.Equal(("offline", "1.0"), (row.State, row.ModelVersion));
        Assert.Equal(Now, row.LastSeen);
    }

    [Fact]
    public void Rollouts_count_each_device_once_and_tell_devices_outside_the_percent_from_refusals()
    {
        Ota("a", "active", null);
        Ota("b", "rejected", "not_in_rollout: device 'b' is in bucket 70, not below the rollout's 50%");
        Ota("c", "rejected", "sha256_mismatch: the bundle's SHA-256 is …");
        Ota("d", "rolled_back", "not_confirmed: …");
        Ota("e", "testing", null);
        Ota("f", "active", null, version: "1.0");

        Assert.Equal(
            [new RolloutSummary { Model = "iot-assist", Version = "1.0", Devices = 1, Active = 1, InProgress = 0, Rejected = 0, RolledBack = 0, NotInRollout = 0 }, new RolloutSummary { Model = "iot-assist", Version = "2.0", Devices = 5, Active = 1, InProgress = 1, Rejected = 1, RolledBack = 1, NotInRollout = 1 }],
            _view.Rollouts);
        Assert.Equal("rollout iot-assist@2.0: 5 devices: 1 active, 1 in progress, 1 rejected, 1 rolled back, 1 not in the rollout percent",
            _view.Rollouts[1].ToString());
    }

    [Fact]
    public void An_empty_retained_ota_status_clears_it_and_garbage_changes_nothing()
    {
        Ota("a", "active", null);
        Assert.False(Receive("acme/edgellm/a/ota/status", "not json"));
        Assert.NotNull(Assert.Single(_view.Devices).Ota);

        Assert.True(Receive("acme/edgellm/a/ota/status", ""));
        Assert.Null(Assert.Single(_view.Devices).Ota);
        Assert.Empty(_view.Rollouts);
    }

    [Theory]
    [InlineData("broker.local", "broker.local", 1883)]
    [InlineData("10.0.0.5:8883", "10.0.0.5", 8883)]
    [InlineData("[::1]:1884", "::1", 1884)]
    [InlineData("[fe80::1]", "fe80::1", 1883)]
    public void Broker_addresses_parse_with_an_optional_port(string text, string host, int port) =>
        Assert.Equal((host, port), FleetBrokerOptions.ParseAddress(text));

    [Theory]
    [InlineData(":1883")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:x")]
    [InlineData("[::1")]
    public void Bad_broker_addresses_are_refused(string text) =>
        Assert.Throws<FormatException>(() => FleetBrokerOptions.ParseAddress(text));

    private void Ota(string device, string phase, string? error, string version = "2.0") =>
        Receive($"acme/edgellm/{device}/ota/status",
            $$"""{"model":"iot-assist","version":"{{version}}","phase":"{{phase}}","progress":0,"error":{{(error is null ? "null" : $"\"{error}\"")}}}""");
}

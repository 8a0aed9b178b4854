using EdgeLLM.Service.Systemd;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLLM.Service.Tests.Systemd;

/// <summary>READY=1 from the package's SystemdLifetime is held until the model serves; everything else passes straight on.</summary>
public class ServingReadyNotifierTests
{
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        public List<string> Sent { get; } = [];

        public bool IsEnabled => true;

        public void Notify(ServiceState state) => Sent.Add(state.ToString());
    }

    [Fact]
    public void Ready_sent_at_application_start_waits_for_the_model_and_then_carries_its_status()
    {
        var inner = new RecordingNotifier();
        var notifier = new ServingReadyNotifier(inner);
        notifier.Notify(new ServiceState("STATUS=loading the model"));
        notifier.Notify(ServiceState.Ready);
        notifier.Notify(new ServiceState("WATCHDOG=1"));
        Assert.Equal(["STATUS=loading the model", "WATCHDOG=1"], inner.Sent);
        notifier.Serving("serving iot-assist 1 on CPU");
        Assert.Equal("READY=1\nSTATUS=serving iot-assist 1 on CPU", inner.Sent[^1]);
    }

    [Fact]
    public void Ready_after_the_model_serves_passes_straight_through()
    {
        var inner = new RecordingNotifier();
        var notifier = new ServingReadyNotifier(inner);
        notifier.Serving("serving iot-assist 1 on CPU");
        notifier.Notify(ServiceState.Ready);
        notifier.Notify(ServiceState.Stopping);
        Assert.Equal(["STATUS=serving iot-assist 1 on CPU", "READY=1", "STOPPING=1"], inner.Sent);
    }

    [Fact]
    public void Without_a_serving_model_ready_is_never_sent()
    {
        var inner = new RecordingNotifier();
        var notifier = new ServingReadyNotifier(inner);
        notifier.Notify(ServiceState.Ready);
        notifier.Notify(ServiceState.Stopping);
        Assert.Equal(["STOPPING=1"], inner.Sent);
    }
}

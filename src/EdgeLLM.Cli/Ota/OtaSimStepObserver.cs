using System.Text.Json.Nodes;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Cli.Ota;

/// <summary>Reports each step once and blocks for good at the <c>--hold-at</c> step, so a test can kill the process there.</summary>
internal sealed class OtaSimStepObserver : IOtaStepObserver
{
    private readonly string? _holdAt;
    private readonly OtaSimEvents _events;
    private readonly HashSet<OtaStep> _seen = [];

    public OtaSimStepObserver(string? holdAt, OtaSimEvents events)
    {
        _holdAt = holdAt;
        _events = events;
    }

    public void OnStep(OtaStep step, OtaManifest manifest)
    {
        lock (_seen)
        {
            if (!_seen.Add(step))
            {
                return;
            }
        }

        _events.Write("step", new JsonObject { ["step"] = step.ToString() });
        if (string.Equals(_holdAt, step.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            Hold(_events, step.ToString());
        }
    }

    /// <summary>Announces the hold and blocks the calling thread until the process is killed.</summary>
    public static void Hold(OtaSimEvents events, string step)
    {
        events.Write("hold", new JsonObject { ["step"] = step });
        Thread.Sleep(Timeout.Infinite);
    }
}

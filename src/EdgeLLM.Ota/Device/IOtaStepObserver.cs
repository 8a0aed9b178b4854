using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Device;

/// <summary>
/// Optional: told synchronously after each durable step of an update. For diagnostics and for crash tests,
/// which stop the process at each step and check what start-up recovers. Must not throw.
/// </summary>
public interface IOtaStepObserver
{
    /// <summary>Called after <paramref name="step"/> for <paramref name="manifest"/> is durable.</summary>
    void OnStep(OtaStep step, OtaManifest manifest);
}

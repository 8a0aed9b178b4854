using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// Which of a profile's execution providers this ONNX Runtime build offers and which one the loader would try
/// first. It does not open a session: a provider that is compiled in can still fail at load time (a missing
/// CUDA library, say), and the loader then falls back again with the reason logged.
/// </summary>
/// <param name="Candidates">The profile's providers in order, by ONNX Runtime's full name, with why each is or is not usable.</param>
/// <param name="Chosen">The first available candidate; CPU when none is.</param>
public sealed record ProviderPlan(IReadOnlyList<ProviderCandidate> Candidates, string Chosen)
{
    /// <summary>Plans <paramref name="profile"/>'s providers against <paramref name="available"/> (ONNX Runtime's list).</summary>
    public static ProviderPlan For(DeviceProfile profile, IReadOnlyCollection<string> available)
    {
        var candidates = new List<ProviderCandidate>();
        string? chosen = null;
        foreach (var ep in profile.ExecutionProviders)
        {
            var name = ExecutionProviderSelector.Canonical(ep.Name);
            if (candidates.Any(c => c.Name == name))
            {
                continue;
            }
            var present = name == "CPUExecutionProvider" || available.Contains(name);
            candidates.Add(new ProviderCandidate(name, present, present ? null : "not in this ONNX Runtime build"));
            chosen ??= present ? name : null;
        }
        return new ProviderPlan(candidates, chosen ?? "CPUExecutionProvider");
    }
}

using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's <c>name:tag</c> model names over EdgeLLM's model ids: a model is listed as <c>id:latest</c> and answers to
/// <c>id</c>, <c>id:latest</c> and <c>id:version</c> (its OTA version), exactly (Home Assistant compares names
/// exactly and offers an unknown one as <c>name:latest</c>).
/// </summary>
public static class OllamaModelName
{
    public const string LatestTag = "latest";

    /// <summary>The name /api/tags and /api/ps list the model under.</summary>
    public static string Listed(ModelIdentity identity) => $"{identity.Id}:{LatestTag}";

    public static bool Names(string requested, ModelIdentity identity)
    {
        var colon = requested.LastIndexOf(':');
        if (colon < 0)
        {
            return requested == identity.Id;
        }
        var tag = requested[(colon + 1)..];
        return requested.AsSpan(0, colon).SequenceEqual(identity.Id) && (tag == LatestTag || tag == identity.Version);
    }
}

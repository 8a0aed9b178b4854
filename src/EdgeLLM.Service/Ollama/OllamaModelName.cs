using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's <c>name:tag</c> model names over EdgeLLM's model ids: the first model of an id is listed as
/// <c>id:latest</c> and also answers to <c>id</c>; every model answers to <c>id:version</c> (its OTA version). Names
/// compare exactly (Home Assistant compares names exactly and offers an unknown one as <c>name:latest</c>).
/// </summary>
public static class OllamaModelName
{
    public const string LatestTag = "latest";

    /// <summary>The name a model is listed under.</summary>
    public static string Listed(ModelIdentity identity, bool latest) => $"{identity.Id}:{(latest ? LatestTag : identity.Version)}";
}

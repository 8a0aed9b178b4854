using EdgeLLM.Service.Hosting;

namespace EdgeLLM.Service.Ollama;

/// <summary>An installed model as the Ollama API names it.</summary>
/// <param name="Name">The listed name: <c>id:latest</c> for the first model of an id (the serving one when it has that id), <c>id:version</c> for the others.</param>
/// <param name="Installed">The model directory it names.</param>
/// <param name="Serving">True for the device's serving model (never loaded or unloaded through this API).</param>
public sealed record OllamaModel(string Name, InstalledModel Installed, bool Serving)
{
    /// <summary>True when <paramref name="requested"/> names this model: its listed name, <c>id</c> for the
    /// <c>latest</c> one, or <c>id:version</c>.</summary>
    public bool IsNamed(string requested) =>
        requested == Name
        || (requested == Installed.Identity.Id && Name.EndsWith(":" + OllamaModelName.LatestTag, StringComparison.Ordinal))
        || requested == $"{Installed.Identity.Id}:{Installed.Identity.Version}";
}

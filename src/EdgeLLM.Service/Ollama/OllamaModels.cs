using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving.Loading;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// The models the Ollama API offers: the serving model, under the names <see cref="OllamaModelName"/> gives it. One
/// place answers "which model does this name mean" and "why not", for the generation and the model endpoints alike.
/// </summary>
public sealed class OllamaModels(ModelHost host)
{
    /// <summary>The models to list (empty while the first model loads).</summary>
    public IReadOnlyList<LoadedModel> Loaded => host.Current is { } current ? [current] : [];

    /// <summary>The loaded model <paramref name="name"/> names, or null.</summary>
    public LoadedModel? Find(string name) =>
        host.Current is { } current && OllamaModelName.Names(name, current.Model.Identity) ? current : null;

    /// <summary>Answers a name that <see cref="Find"/> did not resolve: 503 while nothing is loaded, else 404 naming what is.</summary>
    public Task WriteNotFoundAsync(HttpContext context, string name, string why)
    {
        if (host.Current is not { } current)
        {
            return OllamaError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "no model is loaded yet; try again shortly");
        }
        return OllamaError.WriteAsync(context, StatusCodes.Status404NotFound,
            $"model \"{name}\" not found{why}; this device serves \"{OllamaModelName.Listed(current.Model.Identity)}\"");
    }
}

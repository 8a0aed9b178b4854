using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving.Loading;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// The models the Ollama API offers, under Ollama's names: everything installed (<see cref="ModelCatalog"/>), of which
/// the serving model and those <see cref="ModelPool"/> loaded on demand are running. One place answers "which model
/// does this name mean" and "why not", for the generation and the model endpoints alike.
/// </summary>
public sealed class OllamaModels(ModelHost host, ModelCatalog catalog, ModelPool pool)
{
    /// <summary>Installed models with their names, the serving model first.</summary>
    public IReadOnlyList<OllamaModel> Installed()
    {
        var serving = host.Current?.Model.Directory is { } d ? Path.GetFullPath(d) : null;
        var latest = new HashSet<string>(StringComparer.Ordinal);
        var versions = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<OllamaModel>();
        foreach (var model in catalog.Installed())
        {
            // The same id and version in two places (the embedded default and a copy): the first, the serving one, is it.
            if (!versions.Add($"{model.Identity.Id}:{model.Identity.Version}"))
            {
                continue;
            }
            var name = OllamaModelName.Listed(model.Identity, latest.Add(model.Identity.Id));
            list.Add(new OllamaModel(name, model, model.Directory == serving));
        }
        return list;
    }

    /// <summary>The installed model <paramref name="name"/> names, or null.</summary>
    public OllamaModel? Find(string name) => Installed().FirstOrDefault(m => m.IsNamed(name));

    /// <summary>The running models: the serving one, then those loaded on demand, with when each would go (null: never).</summary>
    public IReadOnlyList<(OllamaModel Model, LoadedModel Loaded, DateTimeOffset? ExpiresAt)> Running()
    {
        var installed = Installed();
        var running = new List<(OllamaModel, LoadedModel, DateTimeOffset?)>();
        if (host.Current is { } current && installed.FirstOrDefault(m => m.Serving) is { } serving)
        {
            running.Add((serving, current, null));
        }
        foreach (var pooled in pool.Loaded)
        {
            if (installed.FirstOrDefault(m => m.Installed.Directory == pooled.Installed.Directory) is { } named)
            {
                running.Add((named, pooled.Loaded, pooled.ExpiresAt));
            }
        }
        return running;
    }

    /// <summary>Answers a name that <see cref="Find"/> did not resolve: 503 while nothing is loaded, else 404 naming what is here.</summary>
    public Task WriteNotFoundAsync(HttpContext context, string name, string why)
    {
        if (host.Current is null)
        {
            return OllamaError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "no model is loaded yet; try again shortly");
        }
        return OllamaError.WriteAsync(context, StatusCodes.Status404NotFound,
            $"model \"{name}\" not found{why}; installed here: {string.Join(", ", Installed().Select(m => m.Name))}");
    }
}

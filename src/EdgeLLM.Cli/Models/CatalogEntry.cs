using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Cli.Models;

/// <summary>A model directory the CLI found.</summary>
/// <param name="Id">The model id (edgellm_model.json, else the folder name).</param>
/// <param name="Version">Its version, or "unknown".</param>
/// <param name="Directory">Full path of the model directory.</param>
/// <param name="Source"><c>builtin</c> (shipped with the app / the checkout's models-distilled) or <c>state</c> (the state dir's models).</param>
/// <param name="OtaRole"><c>active</c> or <c>previous</c> when the OTA journal names this version, else null.</param>
internal sealed record CatalogEntry(string Id, string Version, string Directory, string Source, string? OtaRole)
{
    /// <summary>How its weights are quantized (<see cref="ModelDirectory.DescribeQuantization"/>; reads the graph files).</summary>
    public string DescribeQuantization() => ModelDirectory.DescribeQuantization(Directory);
}

namespace EdgeLLM.Ota.Bundles;

/// <summary>What <see cref="OtaBundlePacker"/> packs and how the manifest is filled in.</summary>
/// <param name="ModelDirectory">A model directory in the GenAI layout (must hold <c>genai_config.json</c>).</param>
/// <param name="OutputDirectory">Where <c>&lt;model&gt;-&lt;version&gt;.tar.gz</c> and <c>.json</c> are written (created when absent).</param>
public sealed record OtaPackRequest(string ModelDirectory, string OutputDirectory)
{
    /// <summary>Model id; default: <c>id</c> of the directory's <c>edgellm_model.json</c>, else the directory's name.</summary>
    public string? Model { get; init; }

    /// <summary>Version; default: <c>version</c> of the directory's <c>edgellm_model.json</c> (required when that is absent).</summary>
    public string? Version { get; init; }

    /// <summary>
    /// Where devices will download the bundle: an absolute URL, or a base ending in <c>/</c> to which the bundle's
    /// file name is appended. When null the manifest holds just the file name, and <c>ota sign</c> refuses it until
    /// the URL is filled in.
    /// </summary>
    public string? Url { get; init; }

    /// <summary>The oldest EdgeLLM runtime that may install the model; left out when null.</summary>
    public string? MinRuntime { get; init; }

    /// <summary>Rollout percent (0–100); no <c>rollout</c> object (every device) when null.</summary>
    public int? RolloutPercent { get; init; }

    /// <summary>Rollout seed; default: <c>&lt;model&gt;-&lt;version&gt;</c> when a percent is given.</summary>
    public string? RolloutSeed { get; init; }

    /// <summary>
    /// Base URL (ending in <c>/</c>) under which each file of the model is also published alone: the files are written
    /// to <c>&lt;out&gt;/&lt;model&gt;-&lt;version&gt;/</c> and the manifest lists them (<c>files</c>, with size, SHA-256
    /// and <c>&lt;base&gt;&lt;model&gt;-&lt;version&gt;/&lt;path&gt;</c>), so that devices download only what changed.
    /// </summary>
    public string? FilesUrl { get; init; }

    /// <summary>A previous version's model directory: the result says how much a device holding it downloads (<see cref="OtaPackResult.Delta"/>).</summary>
    public string? Against { get; init; }

    /// <summary>
    /// Bundles the draft the model's <c>edgellm_model.json</c> names (<c>"draft": "../iot-assist"</c>) with it, in
    /// <c>draft/</c> (<see cref="OtaDraftBundling"/>), so that the device installs, tests and switches the pair together.
    /// </summary>
    public bool IncludeDraft { get; init; }

    /// <summary>Writes <c>"allow_downgrade": true</c>.</summary>
    public bool AllowDowngrade { get; init; }
}

namespace EdgeLLM.Ota;

/// <summary>A complete model directory on the device and which model version it holds.</summary>
/// <param name="Model">Model id.</param>
/// <param name="Version">Model version.</param>
/// <param name="Directory">Absolute path of the model directory (GenAI layout).</param>
public sealed record OtaInstalledModel(string Model, string Version, string Directory)
{
    /// <inheritdoc />
    public override string ToString() => $"{Model}@{Version}";
}

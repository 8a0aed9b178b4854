namespace EdgeLLM.Runtime.Models;

/// <summary>Decoder output names; the present names are templates with <c>%d</c> for the layer index.</summary>
public sealed class GenAiOutputNames
{
    public required string Logits { get; init; }

    public required string PresentKeyNames { get; init; }

    public required string PresentValueNames { get; init; }

    public string PresentKey(int layer) => GenAiInputNames.LayerName(PresentKeyNames, layer);

    public string PresentValue(int layer) => GenAiInputNames.LayerName(PresentValueNames, layer);

    internal static GenAiOutputNames Read(ConfigObject outputs) => new()
    {
        Logits = outputs.String("logits"),
        PresentKeyNames = GenAiInputNames.Template(outputs, "present_key_names"),
        PresentValueNames = GenAiInputNames.Template(outputs, "present_value_names"),
    };
}

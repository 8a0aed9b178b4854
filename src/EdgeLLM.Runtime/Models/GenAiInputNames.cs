namespace EdgeLLM.Runtime.Models;

/// <summary>Decoder input names; the past names are templates with <c>%d</c> for the layer index.</summary>
public sealed class GenAiInputNames
{
    public required string InputIds { get; init; }

    public required string AttentionMask { get; init; }

    /// <summary>Absent for models whose rotary positions come from the attention mask (GroupQueryAttention).</summary>
    public string? PositionIds { get; init; }

    public required string PastKeyNames { get; init; }

    public required string PastValueNames { get; init; }

    public string PastKey(int layer) => LayerName(PastKeyNames, layer);

    public string PastValue(int layer) => LayerName(PastValueNames, layer);

    internal static string LayerName(string template, int layer) => template.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    internal static string Template(ConfigObject names, string field)
    {
        var t = names.String(field);
        return t.Contains("%d", StringComparison.Ordinal) ? t : throw names.Error($"{names.FieldPath(field)} must contain %d for the layer index, found \"{t}\"");
    }

    internal static GenAiInputNames Read(ConfigObject inputs)
    {
        foreach (var p in inputs.Properties())
        {
            if (p.Name is not ("input_ids" or "attention_mask" or "position_ids" or "past_key_names" or "past_value_names"))
            {
                throw inputs.Error($"{inputs.FieldPath(p.Name)} is not supported: EdgeLLM serves decoder-only models fed input_ids, attention_mask, optional position_ids and past key/value names");
            }
        }
        return new GenAiInputNames
        {
            InputIds = inputs.String("input_ids"),
            AttentionMask = inputs.String("attention_mask"),
            PositionIds = inputs.OptionalString("position_ids"),
            PastKeyNames = Template(inputs, "past_key_names"),
            PastValueNames = Template(inputs, "past_value_names"),
        };
    }
}

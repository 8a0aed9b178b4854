namespace EdgeLLM.Runtime.Models;

/// <summary>The <c>model.decoder</c> section: the ONNX file, attention shapes and IO names.</summary>
public sealed class GenAiDecoderConfig
{
    public required string Filename { get; init; }

    public required int HeadSize { get; init; }

    public required int HiddenSize { get; init; }

    public required int NumAttentionHeads { get; init; }

    public required int NumKeyValueHeads { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required GenAiSessionOptions SessionOptions { get; init; }

    public required GenAiInputNames Inputs { get; init; }

    public required GenAiOutputNames Outputs { get; init; }

    internal static GenAiDecoderConfig Read(ConfigObject decoder)
    {
        var filename = decoder.String("filename");
        if (Path.IsPathRooted(filename) || filename.Split('/', '\\').Contains(".."))
        {
            throw decoder.Error($"{decoder.FieldPath("filename")} must name a file inside the model directory, found \"{filename}\"");
        }
        var heads = decoder.PositiveInt("num_attention_heads");
        var kvHeads = decoder.PositiveInt("num_key_value_heads");
        if (heads % kvHeads != 0)
        {
            throw decoder.Error($"{decoder.FieldPath("num_attention_heads")} ({heads}) must be a multiple of num_key_value_heads ({kvHeads})");
        }
        return new GenAiDecoderConfig
        {
            Filename = filename,
            HeadSize = decoder.PositiveInt("head_size"),
            HiddenSize = decoder.PositiveInt("hidden_size"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            NumHiddenLayers = decoder.PositiveInt("num_hidden_layers"),
            SessionOptions = GenAiSessionOptions.Read(decoder.OptionalObject("session_options")),
            Inputs = GenAiInputNames.Read(decoder.Object("inputs")),
            Outputs = GenAiOutputNames.Read(decoder.Object("outputs")),
        };
    }
}

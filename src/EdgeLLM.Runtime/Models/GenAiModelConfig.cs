namespace EdgeLLM.Runtime.Models;

/// <summary>The <c>model</c> section: model type, special token ids, sizes and the decoder.</summary>
public sealed class GenAiModelConfig
{
    public required string Type { get; init; }

    public required int BosTokenId { get; init; }

    /// <summary>Every id that ends generation (<c>eos_token_id</c> may be one number or a list).</summary>
    public required IReadOnlyList<int> EosTokenIds { get; init; }

    public required int PadTokenId { get; init; }

    public required int ContextLength { get; init; }

    public required int VocabSize { get; init; }

    public required GenAiDecoderConfig Decoder { get; init; }

    internal static GenAiModelConfig Read(ConfigObject model)
    {
        var vocab = model.PositiveInt("vocab_size");
        var eos = model.IntOrIntList("eos_token_id");
        foreach (var id in eos)
        {
            if (id < 0 || id >= vocab)
            {
                throw model.Error($"{model.FieldPath("eos_token_id")} contains {id}, outside the vocabulary of {vocab}");
            }
        }
        var pad = model.Has("pad_token_id") ? model.IntOrIntList("pad_token_id")[0] : eos[0];
        return new GenAiModelConfig
        {
            Type = model.String("type"),
            BosTokenId = model.IntOr("bos_token_id", pad),
            EosTokenIds = eos,
            PadTokenId = pad,
            ContextLength = model.PositiveInt("context_length"),
            VocabSize = vocab,
            Decoder = GenAiDecoderConfig.Read(model.Object("decoder")),
        };
    }
}

namespace EdgeLLM.Runtime.Models;

/// <summary>The <c>search</c> section: defaults for requests that leave sampling fields out.</summary>
public sealed class GenAiSearchConfig
{
    public bool DoSample { get; init; }

    public int MaxLength { get; init; }

    public int MinLength { get; init; }

    public bool PastPresentShareBuffer { get; init; }

    public float RepetitionPenalty { get; init; } = 1f;

    public float Temperature { get; init; } = 1f;

    public int TopK { get; init; }

    public float TopP { get; init; } = 1f;

    internal static GenAiSearchConfig Read(ConfigObject search, int contextLength)
    {
        var numBeams = search.IntOr("num_beams", 1);
        if (numBeams != 1)
        {
            throw search.Error($"{search.FieldPath("num_beams")} is {numBeams}: EdgeLLM decodes with greedy search or sampling (num_beams 1)");
        }
        var maxLength = search.IntOr("max_length", contextLength);
        if (maxLength <= 0 || maxLength > contextLength)
        {
            throw search.Error($"{search.FieldPath("max_length")} ({maxLength}) must be between 1 and model.context_length ({contextLength})");
        }
        var config = new GenAiSearchConfig
        {
            DoSample = search.BoolOr("do_sample", false),
            MaxLength = maxLength,
            MinLength = search.IntOr("min_length", 0),
            PastPresentShareBuffer = search.BoolOr("past_present_share_buffer", false),
            RepetitionPenalty = search.FloatOr("repetition_penalty", 1f),
            Temperature = search.FloatOr("temperature", 1f),
            TopK = search.IntOr("top_k", 0),
            TopP = search.FloatOr("top_p", 1f),
        };
        if (config.RepetitionPenalty <= 0 || config.Temperature < 0 || config.TopK < 0 || config.TopP is <= 0 or > 1)
        {
            throw search.Error($"{search.Path}: repetition_penalty must be > 0, temperature >= 0, top_k >= 0 and top_p in (0, 1]");
        }
        return config;
    }
}

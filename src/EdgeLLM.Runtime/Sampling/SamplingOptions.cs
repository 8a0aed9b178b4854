namespace EdgeLLM.Runtime.Sampling;

/// <summary>
/// How the next token is chosen. <see cref="Temperature"/> 0 (or <see cref="DoSample"/> false) means greedy.
/// Processing follows Hugging Face's order: repetition penalty, temperature, top-k, top-p, min-p.
/// </summary>
public sealed record SamplingOptions
{
    public static SamplingOptions Greedy { get; } = new();

    public bool DoSample { get; init; }

    public float Temperature { get; init; } = 1f;

    /// <summary>Keep the k most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of tokens whose probabilities add up to at least this; 1 keeps all.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Drop tokens less likely than this fraction of the most likely one; 0 keeps all.</summary>
    public float MinP { get; init; }

    /// <summary>Divides positive (multiplies negative) logits of tokens already seen; 1 is off.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Makes sampling reproducible; absent, each request draws a fresh seed.</summary>
    public ulong? Seed { get; init; }

    public bool IsGreedy => !DoSample || Temperature == 0f;

    /// <summary>Returns the first field out of range as "field: reason", or null when all are valid.</summary>
    public string? Problem()
    {
        if (float.IsNaN(Temperature) || Temperature < 0 || Temperature > 100)
        {
            return "temperature: must be between 0 and 100";
        }
        if (TopK < 0)
        {
            return "top_k: must be 0 or more";
        }
        if (float.IsNaN(TopP) || TopP <= 0 || TopP > 1)
        {
            return "top_p: must be in (0, 1]";
        }
        if (float.IsNaN(MinP) || MinP < 0 || MinP > 1)
        {
            return "min_p: must be in [0, 1]";
        }
        if (float.IsNaN(RepetitionPenalty) || RepetitionPenalty <= 0 || RepetitionPenalty > 10)
        {
            return "repetition_penalty: must be in (0, 10]";
        }
        return null;
    }
}

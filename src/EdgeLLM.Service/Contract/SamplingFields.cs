using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// The length and sampling fields every dialect shares, read and checked in one place (docs/LIMITS.md). Dialects name
/// two of them differently (OpenAI's <c>max_tokens</c> and <c>repetition_penalty</c> are Ollama's
/// <c>num_predict</c> and <c>repeat_penalty</c>) and Ollama keeps them under <c>options</c>, hence the names and the
/// <see cref="Fields"/> prefix the caller gives.
/// </summary>
internal sealed record SamplingFields(
    int? MaxTokens, float? Temperature, float? TopP, int? TopK, float? MinP, float? RepetitionPenalty, ulong? Seed, IReadOnlyList<string> Stop)
{
    public const int MaxStopStrings = 8;
    public const double MaxTemperature = 2.0;

    /// <param name="f">The object holding the fields.</param>
    /// <param name="maxTokens">The name of the token limit, or null when the dialect reads it itself.</param>
    /// <param name="repetitionPenalty">The name of the repetition penalty.</param>
    /// <exception cref="FieldException">A field is of the wrong kind or out of range.</exception>
    public static SamplingFields Read(Fields f, string? maxTokens, string repetitionPenalty)
    {
        var limit = maxTokens is null ? null : f.OptionalInt(maxTokens);
        if (limit is <= 0)
        {
            throw new FieldException(f.At(maxTokens!), $"must be 1 or more, found {limit}");
        }
        var temperature = f.OptionalDouble("temperature");
        if (temperature is < 0 or > MaxTemperature)
        {
            throw new FieldException(f.At("temperature"), $"must be between 0 and {MaxTemperature}, found {temperature}");
        }
        var topP = f.OptionalDouble("top_p");
        if (topP is <= 0 or > 1)
        {
            throw new FieldException(f.At("top_p"), $"must be more than 0 and at most 1, found {topP}");
        }
        return new SamplingFields(limit, (float?)temperature, (float?)topP, f.OptionalInt("top_k"), f.OptionalFloat("min_p"),
            f.OptionalFloat(repetitionPenalty), f.OptionalSeed("seed"), f.StopStrings("stop", MaxStopStrings));
    }

    /// <summary>The request with these fields set (<see cref="MaxTokens"/> only when given here).</summary>
    public GenerationRequest ApplyTo(GenerationRequest request) => request with
    {
        MaxTokens = MaxTokens ?? request.MaxTokens,
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        MinP = MinP,
        RepetitionPenalty = RepetitionPenalty,
        Seed = Seed,
        Stop = Stop,
    };
}

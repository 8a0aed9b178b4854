using System.Text.Json.Serialization;

namespace EdgeLLM.Cli.Bench.Synthetic;

/// <summary>
/// The shape of a bench model with random weights: a real model's dimensions, written by <c>make_bench_model.py</c>
/// in the ONNX Runtime GenAI builder's CPU INT4 layout. Serialized as the recipe's argument, so the spec is the recipe.
/// </summary>
internal sealed record SyntheticModelSpec
{
    /// <summary>The name <c>bench --synthetic</c> takes, e.g. <c>qwen2.5-0.5b</c>.</summary>
    public required string Name { get; init; }

    /// <summary>genai_config model.type.</summary>
    public required string Type { get; init; }

    public required int Hidden { get; init; }

    public required int Layers { get; init; }

    public required int Heads { get; init; }

    [JsonPropertyName("kv_heads")]
    public required int KvHeads { get; init; }

    public int Head { get; init; } = 64;

    public required int Mlp { get; init; }

    public required int Vocab { get; init; }

    /// <summary>Positions of the rotary cache and genai_config's context_length (cut from the real model's to keep files small).</summary>
    public int Context { get; init; } = 4096;

    [JsonPropertyName("max_length")]
    public int MaxLength { get; init; } = 4096;

    /// <summary>Qwen2 has biases on the query/key/value projections.</summary>
    [JsonPropertyName("qkv_bias")]
    public bool QkvBias { get; init; }

    [JsonPropertyName("rope_theta")]
    public double RopeTheta { get; init; } = 10000;

    public double Eps { get; init; } = 1e-6;

    /// <summary>Special tokens, first ids of the vocabulary: [end of text, turn start, turn end].</summary>
    public required string[] Specials { get; init; }

    public required string[] Eos { get; init; }

    public required string Bos { get; init; }

    /// <summary>Seed of the random weights: every machine benches the same model.</summary>
    public int Seed { get; init; } = 20261201;

    /// <summary>Bytes of the int4 weights, scales and zero points one decode step reads (every projection and the LM head once).</summary>
    [JsonIgnore]
    public long DecodeWeightBytes
    {
        get
        {
            static long Projection(long n, long k) => n * k / 2 + n * (k / 32) * 4 + n * ((k / 32 + 1) / 2);
            var perLayer = Projection((Heads + 2L * KvHeads) * Head, Hidden) + Projection(Hidden, (long)Heads * Head)
                           + 2 * Projection(Mlp, Hidden) + Projection(Hidden, Mlp);
            return Layers * perLayer + Projection(Vocab, Hidden);
        }
    }
}

namespace EdgeLLM.Cli.Bench.Synthetic;

/// <summary>The bench models <c>bench --synthetic NAME</c> knows: shapes of models fleets deploy, random weights.</summary>
internal static class SyntheticModelCatalog
{
    private static readonly string[] QwenSpecials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
    private static readonly string[] LlamaSpecials = ["<|end_of_text|>", "<|start_header_id|>", "<|eot_id|>"];

    /// <summary>Every known spec, by name.</summary>
    public static IReadOnlyList<SyntheticModelSpec> All { get; } =
    [
        new()
        {
            Name = "qwen2.5-0.5b", Type = "qwen2", Hidden = 896, Layers = 24, Heads = 14, KvHeads = 2, Mlp = 4864, Vocab = 151936,
            QkvBias = true, RopeTheta = 1000000, Specials = QwenSpecials, Eos = ["<|im_end|>", "<|endoftext|>"], Bos = "<|endoftext|>",
        },
        new()
        {
            Name = "qwen2.5-1.5b", Type = "qwen2", Hidden = 1536, Layers = 28, Heads = 12, KvHeads = 2, Head = 128, Mlp = 8960, Vocab = 151936,
            QkvBias = true, RopeTheta = 1000000, Specials = QwenSpecials, Eos = ["<|im_end|>", "<|endoftext|>"], Bos = "<|endoftext|>",
        },
        new()
        {
            Name = "llama-3.2-1b", Type = "llama", Hidden = 2048, Layers = 16, Heads = 32, KvHeads = 8, Mlp = 8192, Vocab = 128256,
            RopeTheta = 500000, Eps = 1e-5, Specials = LlamaSpecials, Eos = ["<|eot_id|>", "<|end_of_text|>"], Bos = "<|end_of_text|>",
        },
        new()
        {
            Name = "smollm2-360m", Type = "llama", Hidden = 960, Layers = 32, Heads = 15, KvHeads = 5, Mlp = 2560, Vocab = 49152,
            RopeTheta = 100000, Eps = 1e-5, Specials = QwenSpecials, Eos = ["<|im_end|>", "<|endoftext|>"], Bos = "<|endoftext|>",
        },
        // The recipe at a toy shape: what the tests build in a second to check the recipe end to end.
        new()
        {
            Name = "tiny-qwen", Type = "qwen2", Hidden = 128, Layers = 2, Heads = 4, KvHeads = 2, Head = 32, Mlp = 256, Vocab = 4000,
            Context = 512, MaxLength = 512, QkvBias = true, RopeTheta = 1000000, Specials = QwenSpecials, Eos = ["<|im_end|>", "<|endoftext|>"],
            Bos = "<|endoftext|>",
        },
    ];

    public static SyntheticModelSpec? Find(string name)
    {
        foreach (var spec in All)
        {
            if (string.Equals(spec.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return spec;
            }
        }
        return null;
    }
}

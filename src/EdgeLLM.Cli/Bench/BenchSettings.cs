namespace EdgeLLM.Cli.Bench;

/// <summary>What <c>edgellm bench</c> measures and how often.</summary>
internal sealed record BenchSettings
{
    public string? Model { get; init; }

    public int PromptTokens { get; init; } = 64;

    public int GenTokens { get; init; } = 128;

    public int Runs { get; init; } = 3;

    public int Warmup { get; init; } = 1;

    /// <summary>ONNX Runtime intra-op threads for both runtimes; 0 lets ONNX Runtime choose.</summary>
    public int Threads { get; init; }

    /// <summary>Concurrent stream counts to measure; empty: single stream only.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [];

    public bool ComparePeer { get; init; }

    /// <summary>A node_modules holding @huggingface/transformers; null: the tokenizer conformance tests' one.</summary>
    public string? PeerNodeModules { get; init; }

    public string Node { get; init; } = "node";

    /// <summary>A node_modules holding node-llama-cpp; null: <c>tests/bench/llamacpp-peer/node_modules</c>.</summary>
    public string? LlamaCppNodeModules { get; init; }

    /// <summary>A bench model with random weights to make (if needed) and measure instead of <see cref="Model"/>.</summary>
    public string? Synthetic { get; init; }

    /// <summary>Where bench models are cached; null: <c>~/.cache/edgellm/bench-models</c>.</summary>
    public string? BenchModelCache { get; init; }

    /// <summary>Measure memory bandwidth and put decode on the roofline.</summary>
    public bool Roofline { get; init; }

    /// <summary>Concurrent streams arrive this many milliseconds apart (0: all at once).</summary>
    public int StaggerMs { get; init; }
}

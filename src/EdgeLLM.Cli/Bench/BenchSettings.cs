namespace EdgeLLM.Cli.Bench;

/// <summary>What <c>edgellm bench</c> measures and how often.</summary>
internal sealed record BenchSettings
{
    public string? Model { get; init; }

    public int PromptTokens { get; init; } = 64;

    public int GenTokens { get; init; } = 128;

    public int Runs { get; init; } = 3;

    public int Warmup { get; init; } = 1;

    /// <summary>Interleaved rounds: each runtime is measured once per round, in turn (<see cref="InterleavedBench"/>).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>ONNX Runtime intra-op threads for both runtimes; 0 lets ONNX Runtime choose.</summary>
    public int Threads { get; init; }

    /// <summary>Concurrent stream counts to measure; empty: single stream only.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [];

    /// <summary>Requests arriving one after another while a batch runs (first-token latency); 0: not measured.</summary>
    public int Arrivals { get; init; }

    /// <summary>Milliseconds between <see cref="Arrivals"/>; 0: one single-stream request's time spread over them.</summary>
    public int ArrivalMs { get; init; }

    /// <summary><c>--prefill-chunk</c>: the engine's chunk of prompt tokens between decode steps (0: whole); null, the default.</summary>
    public int? PrefillChunkTokens { get; init; }

    /// <summary>Also run transformers.js, ONNX Runtime GenAI and (on <c>--synthetic</c> models) llama.cpp on the same model and prompt ids.</summary>
    public bool ComparePeer { get; init; }

    /// <summary>A node_modules holding @huggingface/transformers; null: the tokenizer conformance tests' one.</summary>
    public string? PeerNodeModules { get; init; }

    public string Node { get; init; } = "node";

    /// <summary>A schema to measure constrained decoding under (<c>--schema</c>); null: not measured.</summary>
    public EdgeLLM.Runtime.Constraints.OutputConstraint? Schema { get; init; }

    /// <summary>Another tokenizer directory whose vocabulary's masks are timed too (<c>--schema-tokenizer</c>).</summary>
    public string? SchemaTokenizer { get; init; }

    /// <summary>A node_modules holding node-llama-cpp; null: <c>tests/bench/llamacpp-peer/node_modules</c>.</summary>
    public string? LlamaCppNodeModules { get; init; }

    /// <summary>A bench model with random weights to make (if needed) and measure instead of <see cref="Model"/>.</summary>
    public string? Synthetic { get; init; }

    /// <summary>Where bench models are cached; null: <c>~/.cache/edgellm/bench-models</c>.</summary>
    public string? BenchModelCache { get; init; }

    /// <summary>Measure memory bandwidth and put decode on the roofline.</summary>
    public bool Roofline { get; init; }
}

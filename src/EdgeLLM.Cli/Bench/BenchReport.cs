namespace EdgeLLM.Cli.Bench;

/// <summary>Everything one <c>edgellm bench</c> measured.</summary>
internal sealed record BenchReport(
    string Model, string ModelDirectory, string ExecutionProvider, int Threads, SingleStreamResult Single,
    IReadOnlyList<ConcurrencyLevelResult> Concurrency, PeerComparison? Peer)
{
    /// <summary>First-token latency of the main run under staggered arrivals (<c>--arrivals</c>).</summary>
    public ArrivalResult? Arrivals { get; init; }

    /// <summary>ONNX Runtime GenAI on the same model and prompt ids (<c>--compare-peer</c>).</summary>
    public ExecutorPeerResult? GenAi { get; init; }

    /// <summary>The main run's decode tokens/s over GenAI's.</summary>
    public double? GenAiDecodeRatio => GenAi?.Single is { DecodeTokensPerSecond: > 0 } g ? Single.DecodeTokensPerSecond / g.DecodeTokensPerSecond : null;

    /// <summary>True when EdgeLLM's decoder computed logits only where they were read (<c>EdgeLLM:Engine:SelectLogitsPositions</c>).</summary>
    public bool SelectsLogitsPositions { get; init; }

    /// <summary>Where EdgeLLM's prepacked weights came from (<c>EdgeLLM:Engine:PrepackedWeights</c>): the loading peak
    /// depends on it.</summary>
    public string? PrepackedWeights { get; init; }

    /// <summary>True for a <c>--synthetic</c> bench model: its weights are random, its speed and memory real.</summary>
    public bool RandomWeights { get; init; }

    public MemoryResult? Memory { get; init; }

    /// <summary>llama.cpp on the GGUF twin (Q4_0) of a <c>--synthetic</c> model; null unless <c>--compare-peer</c>.</summary>
    public PeerComparison? LlamaCpp { get; init; }

    /// <summary>EdgeLLM's decode tokens/s over llama.cpp's.</summary>
    public double? LlamaCppDecodeRatio => LlamaCpp?.Peer is { DecodeTokensPerSecond: > 0 } p ? Single.DecodeTokensPerSecond / p.DecodeTokensPerSecond : null;

    /// <summary>Decode on the memory roofline; null unless asked for (<c>--roofline</c>, on with <c>--synthetic</c>).</summary>
    public RooflineResult? Roofline { get; init; }

    /// <summary>Aggregate tokens/s of the most streams measured over one stream's (8 over 1 with the default levels).</summary>
    public double? ScalingRatio
    {
        get
        {
            var one = Concurrency.FirstOrDefault(c => c.Streams == 1);
            var most = Concurrency.MaxBy(c => c.Streams);
            return one is null || most is null || most.Streams == 1 || one.AggregateTokensPerSecond <= 0 ? null : most.AggregateTokensPerSecond / one.AggregateTokensPerSecond;
        }
    }

    /// <summary>EdgeLLM's decode tokens/s over transformers.js's.</summary>
    public double? PeerDecodeRatio => Peer?.Peer is { DecodeTokensPerSecond: > 0 } p ? Single.DecodeTokensPerSecond / p.DecodeTokensPerSecond : null;

    /// <summary>Every runtime's figures round by round, medians with their spread, and the load average at each round's
    /// start and end; the fields above are those medians.</summary>
    public InterleavedResult? Interleaved { get; init; }

    /// <summary>Constrained decoding under <c>--schema</c>; null when not asked for.</summary>
    public ConstrainedResult? Constrained { get; init; }
}

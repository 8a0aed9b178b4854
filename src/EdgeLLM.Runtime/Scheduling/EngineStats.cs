namespace EdgeLLM.Runtime.Scheduling;

/// <summary>A snapshot of the engine for /metrics, telemetry and the watchdog.</summary>
public sealed record EngineStats
{
    public int Queued { get; init; }

    public int InFlight { get; init; }

    public int BatchCapacity { get; init; }

    /// <summary>Sequences in the last decode step.</summary>
    public int LastBatchSize { get; init; }

    public long KvCacheBytes { get; init; }

    /// <summary>KV positions in use by active sequences, in bytes.</summary>
    public long KvBytesInUse { get; init; }

    public long PrefixCacheBytes { get; init; }

    public long PrefixCacheHits { get; init; }

    public long RequestsCompleted { get; init; }

    public long RequestsFailed { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    /// <summary>Generated tokens per second over the last few seconds of decoding.</summary>
    public double TokensPerSecond { get; init; }

    public DateTimeOffset LastHeartbeat { get; init; }

    /// <summary>Batched decode steps run since the engine started.</summary>
    public long DecodeSteps { get; init; }

    /// <summary>Time in decode steps (ONNX Runtime's Run plus sampling, detokenising and emitting), summed.</summary>
    public TimeSpan DecodeStepTime { get; init; }

    /// <summary>The part of <see cref="DecodeStepTime"/> spent inside ONNX Runtime's Run.</summary>
    public TimeSpan DecodeOrtRunTime { get; init; }

    /// <summary>Time spent masking constrained sequences' logits (building masks included).</summary>
    public TimeSpan ConstraintMaskTime { get; init; }

    /// <summary>Tokens chosen under a constraint.</summary>
    public long ConstrainedTokens { get; init; }

    /// <summary>Prompt runs that left their prompt part-way, to let decode steps run (chunked prefill).</summary>
    public long PrefillChunks { get; init; }

    /// <summary>Tokens drafted for speculative decoding since the engine started.</summary>
    public long DraftedTokens { get; init; }

    /// <summary>Drafted tokens the model accepted.</summary>
    public long AcceptedDraftTokens { get; init; }

    /// <summary>Draft-and-verify steps (part of <see cref="DecodeSteps"/>).</summary>
    public long VerifySteps { get; init; }

    /// <summary>Accepted over drafted tokens; 0 before any draft.</summary>
    public double DraftAcceptanceRate => DraftedTokens == 0 ? 0 : (double)AcceptedDraftTokens / DraftedTokens;
}

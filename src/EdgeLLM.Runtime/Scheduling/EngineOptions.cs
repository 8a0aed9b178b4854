using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>How the engine schedules: batch slots, the waiting queue, and the prefix cache.</summary>
public sealed record EngineOptions
{
    /// <summary>Sequences decoded together (KV slots). Growing-KV models always use 1.</summary>
    public int MaxBatchSize { get; init; } = DefaultMaxBatchSize;

    /// <summary>The batch when neither the profile nor the configuration sets one.</summary>
    public const int DefaultMaxBatchSize = 8;

    /// <summary>Requests that may wait for a slot; beyond this, new ones get <c>overloaded</c>.</summary>
    public int MaxQueuedRequests { get; init; } = DefaultMaxQueuedRequests;

    /// <summary>The queue bound when neither the profile nor the configuration sets one.</summary>
    public const int DefaultMaxQueuedRequests = 64;

    /// <summary>Bytes the prefix cache may hold; 0 turns it off.</summary>
    public long PrefixCacheBytes { get; init; } = DefaultPrefixCacheBytes;

    /// <summary>16 MiB: the prefix cache's size everywhere one is not configured (the one place it is written).</summary>
    public const long DefaultPrefixCacheBytes = 16L << 20;

    /// <summary>Prompt tokens prefilled between two decode steps while other streams decode (chunked prefill); 0 prefills
    /// every prompt whole. Device profiles set it (<c>prefill_chunk_tokens</c>); the default is
    /// <see cref="DefaultPrefillChunkTokens"/>.</summary>
    public int PrefillChunkTokens { get; init; } = DefaultPrefillChunkTokens;

    /// <summary>
    /// A chunk of this many tokens costs about as much as two or three decode steps of a 0.5B INT4 model on a
    /// 2-core CPU (prefill reads the weights once per run, as a step does, and its per-token work is small beside
    /// that), so a running stream waits at most that long for a newcomer's prompt; the quiet-machine measurement in
    /// docs/PERFORMANCE.md is what to tune it by.
    /// </summary>
    public const int DefaultPrefillChunkTokens = 32;

    /// <summary>Shortest common prefix worth reusing.</summary>
    public int PrefixCacheMinTokens { get; init; } = 16;

    /// <summary>Completion length when a request gives none: up to the context, or this many tokens.</summary>
    public int? DefaultMaxTokens { get; init; }

    /// <summary>The device's energy counter; each step's joules are shared among the sequences in it.</summary>
    public IEnergyMeter? EnergyMeter { get; init; }

    /// <summary>Speculative decoding (a draft model or prompt lookup); null or disabled decodes one token per step.</summary>
    public Speculative.SpeculativeOptions? Speculative { get; init; }

    /// <summary>Checks a request passes before it queues (the rolling energy budget).</summary>
    public IAdmissionPolicy? Admission { get; init; }
}

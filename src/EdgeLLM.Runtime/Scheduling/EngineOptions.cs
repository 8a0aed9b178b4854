using EdgeLLM.Runtime.Energy;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>How the engine schedules: batch slots, the waiting queue, and the prefix cache.</summary>
public sealed record EngineOptions
{
    /// <summary>Sequences decoded together (KV slots). Growing-KV models always use 1.</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>Requests that may wait for a slot; beyond this, new ones get <c>overloaded</c>.</summary>
    public int MaxQueuedRequests { get; init; } = 64;

    /// <summary>Bytes the prefix cache may hold; 0 turns it off.</summary>
    public long PrefixCacheBytes { get; init; } = 16L << 20;

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

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// What runs the model under <see cref="ExecutorLoop"/>: admit a slot, continue the prompts of slots still
/// prefilling, run one step over the decoding slots (its tokens go to the <see cref="IStepSink"/>), release a slot.
/// Everything about requests stays in the loop; a backend holds only the model's state per batch row. Every call,
/// <see cref="Open"/> included, comes on the loop's one thread (GenAI's engine requires it).
/// </summary>
internal interface IExecutionBackend : IDisposable
{
    /// <summary>Opens what the backend runs on (native sessions, buffers, engines). A backend that throws here frees
    /// what it opened before; <see cref="IDisposable.Dispose"/> is called either way.</summary>
    void Open();

    /// <summary>Rows that can decode together (valid after <see cref="Open"/>).</summary>
    int Capacity { get; }

    /// <summary>How requests share a batch.</summary>
    BatchingMode Batching { get; }

    /// <summary>Positions one sequence may hold.</summary>
    int MaxLength { get; }

    /// <summary>The logits width, where the loop chooses tokens (<see cref="IStepSink.Choose"/>); 0 where the backend
    /// chooses them itself.</summary>
    int VocabSize { get; }

    /// <summary>True when a prompt can go in a chunk at a time between decode steps.</summary>
    bool ChunksPrefill { get; }

    /// <summary>Bytes of KV cache the backend holds.</summary>
    long KvBytes { get; }

    /// <summary>The part of <see cref="KvBytes"/> resident now; a backend that cannot tell counts all of it (GenAI
    /// allocates its cache itself).</summary>
    long KvResidentBytes() => KvBytes;

    /// <summary>Stopwatch ticks spent inside the runtime's own run calls.</summary>
    long RunTicks { get; }

    /// <summary>Takes a new slot into its row (a reused prefix sets <see cref="Slot.PromptDone"/>).</summary>
    /// <exception cref="Generation.GenerationException">The backend refuses the request; nothing is held for it.</exception>
    void Admit(Slot slot);

    /// <summary>
    /// Puts prompt tokens of <paramref name="slots"/> (all prefilling, in row order) in, up to
    /// <paramref name="budget"/> tokens in all, and reports each run through <see cref="IStepSink.Prefilled"/>; a slot
    /// whose prompt is complete gets its first token where the backend has its logits.
    /// </summary>
    void Prefill(ReadOnlySpan<Slot> slots, int budget, IStepSink sink);

    /// <summary>One step over the decoding slots (rows 0..n-1): each run reported through
    /// <see cref="IStepSink.Ran"/>, then each live slot's token(s) through the sink.</summary>
    void Step(ReadOnlySpan<Slot> slots, IStepSink sink);

    /// <summary>Frees a finished slot's row.</summary>
    void Release(Slot slot);

    /// <summary>Moves a row's state to another (the loop keeps rows contiguous), emptying the source.</summary>
    void Move(int from, int to);

    /// <summary>The backend's own figures over the loop's (prefix cache, drafts).</summary>
    EngineStats Describe(EngineStats stats);
}

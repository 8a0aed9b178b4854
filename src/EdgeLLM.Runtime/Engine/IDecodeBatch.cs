namespace EdgeLLM.Runtime.Engine;

/// <summary>
/// Sequences decoded together by one model. Slots 0..n-1 of a batch of n are active; each slot has a length
/// (tokens whose KV is cached) and, after a prefill or a step, the logits of its last position.
/// </summary>
/// <remarks>
/// Memory policy: a batch costs resident memory for the sequences it holds, not for its <see cref="Capacity"/>.
/// Buffers whose address a step binds (KV cache, attention mask, logits rows) are reserved for every slot up front,
/// so a step's bindings never move and a decode step stays allocation-free; their pages become resident as a
/// sequence writes positions (a prefill or a step: KV grows with the admitted sequence's length) and
/// <see cref="Reset"/> (and the source of <see cref="Move"/>) returns an emptied slot's pages to the system, so an
/// idle batch holds almost nothing. Implementations that cannot reserve without committing (a platform without
/// lazily committed mappings) hold the whole reservation. Per-run buffers of a prefill are sized to that run.
/// </remarks>
internal interface IDecodeBatch : IDisposable
{
    /// <summary>How many sequences can decode together.</summary>
    int Capacity { get; }

    /// <summary>Positions a sequence may hold (prompt and completion together).</summary>
    int MaxLength { get; }

    int VocabSize { get; }

    /// <summary>Bytes of KV cache this batch reserves at most (resident only for what its sequences hold).</summary>
    long KvBytes { get; }

    /// <summary>The part of <see cref="KvBytes"/> resident now (a system call per buffer: for reports, not the decode
    /// loop). A batch whose cache is not a lazily committed mapping holds all of it.</summary>
    long KvResidentBytes() => KvBytes;

    /// <summary>Stopwatch ticks spent inside ONNX Runtime's Run by <see cref="Decode"/> since the batch was made
    /// (the rest of a decode step is EdgeLLM's own overhead; <c>edgellm bench</c> reports the share).</summary>
    long DecodeRunTicks { get; }

    /// <summary>True when a slot's cached prefix can be exported and imported (the prefix cache).</summary>
    bool SupportsPrefixReuse { get; }

    int Length(int slot);

    /// <summary>Appends <paramref name="tokens"/> to a slot (after what it already holds) in one run.</summary>
    void Prefill(int slot, ReadOnlySpan<int> tokens);

    /// <summary>
    /// Prefills the empty slots <paramref name="firstSlot"/>.. with one prompt each, all of one length, in a single run,
    /// so every weight is read once for the whole group. False (nothing done) when this batch cannot: the caller then
    /// prefills them one by one.
    /// </summary>
    bool TryPrefillMany(int firstSlot, IReadOnlyList<int[]> prompts);

    /// <summary>How many prompts of <paramref name="length"/> tokens one <see cref="TryPrefillMany"/> takes at most.</summary>
    int MaxPrefillGroup(int length);

    /// <summary>Appends one token to each of slots 0..tokens.Length-1 in one batched run.</summary>
    void Decode(ReadOnlySpan<int> tokens);

    /// <summary>Logits of a slot's last position, valid until the next run; callers may modify them.</summary>
    Span<float> Logits(int slot);

    /// <summary>Empties a slot and returns the memory it held (see the memory policy above).</summary>
    void Reset(int slot);

    /// <summary>Moves a slot's state to another, emptying the source and returning its memory (keeps active slots
    /// contiguous).</summary>
    void Move(int from, int to);

    long PrefixBytes(int length);

    /// <summary>Copies the first <paramref name="length"/> cached positions of a slot into <paramref name="block"/>.</summary>
    unsafe void ExportPrefix(int slot, int length, byte* block);

    /// <summary>Makes an empty slot hold the first <paramref name="length"/> positions of a block exported earlier
    /// for <paramref name="blockLength"/> positions.</summary>
    unsafe void ImportPrefix(int slot, int length, byte* block, int blockLength);

    /// <summary>
    /// Appends <paramref name="tokens"/> to one slot in one run and keeps the logits of every position (speculative
    /// decoding: a draft's catch-up, the model's verification of drafted tokens). One slot per run: ONNX Runtime's
    /// GroupQueryAttention takes several new positions over a cached past only for a batch of one.
    /// </summary>
    void Extend(int slot, ReadOnlySpan<int> tokens);

    /// <summary>Logits after position <paramref name="position"/> of the last <see cref="Extend"/>, valid until the
    /// next run; callers may modify them.</summary>
    Span<float> ExtendLogits(int position);

    /// <summary>Shortens a slot to its first <paramref name="length"/> positions (rejected draft tokens).</summary>
    void Truncate(int slot, int length);
}

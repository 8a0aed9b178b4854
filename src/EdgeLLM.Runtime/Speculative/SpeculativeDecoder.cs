using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Speculative;

/// <summary>
/// Speculative decoding as one component of a batch backend: it owns the draft side (<see cref="Speculator"/>: the
/// draft's batch, adaptive k, proposals), the verify buffers and the counters, and is given the decoding slots and
/// the loop's token chooser (<see cref="IStepSink"/>). Each sequence gets up to k drafted tokens and the model
/// verifies them in one run over its k + 1 positions. ONNX Runtime's GroupQueryAttention takes several new positions
/// over a cached past only for a batch of one, so a verify run covers one sequence; when some sequences have no draft
/// this step (constrained ones, or nothing to propose), every sequence's next token goes through one batched decode
/// run first, which already decides the first drafted token of the others. The model's own choice at each position
/// decides, so the output is the model's alone (docs/SPECULATIVE.md).
/// </summary>
internal sealed class SpeculativeDecoder : IDisposable
{
    private readonly IDecodeBatch _batch;
    private readonly Speculator _speculator;
    private readonly int[] _verifyTokens;
    private readonly int[] _verifyBase;
    private readonly int[] _draftWant;
    private readonly int[] _stepTokens;
    private long _draftedTokens;
    private long _acceptedDraftTokens;
    private long _verifySteps;

    /// <summary>Opens the draft side over <paramref name="batch"/> (which the caller keeps owning).</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The draft's batch cannot follow the model's (capacity, length); it is freed.</exception>
    /// <param name="options">The draft (a model or prompt lookup) and k.</param>
    /// <param name="batch">The model's batch the drafts are verified on.</param>
    /// <param name="eosTokenIds">End-of-sequence ids, which close a draft.</param>
    /// <param name="createBatch">Opens the draft model's batch.</param>
    public SpeculativeDecoder(SpeculativeOptions options, IDecodeBatch batch, IReadOnlySet<int> eosTokenIds, Func<Models.LanguageModel, int, IDecodeBatch> createBatch)
    {
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException($"speculative decoding: {problem}", nameof(options));
        }
        _batch = batch;
        var capacity = batch.Capacity;
        _speculator = new Speculator(options, capacity, batch.MaxLength, eosTokenIds, createBatch);
        _verifyTokens = new int[options.MaxDraftTokens + 1];
        _verifyBase = new int[capacity];
        _draftWant = new int[capacity];
        _stepTokens = new int[capacity];
    }

    public long DraftedTokens => Interlocked.Read(ref _draftedTokens);

    public long AcceptedDraftTokens => Interlocked.Read(ref _acceptedDraftTokens);

    public long VerifySteps => Interlocked.Read(ref _verifySteps);

    /// <summary>A sequence starts in <paramref name="row"/> (its prompt is in the model's cache).</summary>
    public void Begin(int row, ReadOnlySpan<int> prompt) => _speculator.Begin(row, prompt);

    /// <summary>Mirrors the batch's move of a row.</summary>
    public void Move(int from, int to) => _speculator.Move(from, to);

    /// <summary>Mirrors the batch's reset of a row.</summary>
    public void Reset(int row) => _speculator.Reset(row);

    /// <summary>
    /// One draft-and-verify step over the decoding slots (rows 0..n-1). False (nothing done) when no slot has a draft
    /// this step: the plain decode step is then the cheaper run.
    /// </summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryStep(ReadOnlySpan<Slot> slots, IStepSink sink)
    {
        var n = slots.Length;
        for (var i = 0; i < n; i++)
        {
            var s = slots[i];
            // Room for the token, k drafts and one position more, so that no verify run passes the context.
            var room = _batch.MaxLength - _batch.Length(i) - 2;
            _draftWant[i] = s.Constraint is not null || !s.Live ? 0
                : Math.Clamp(Math.Min(Math.Min(_speculator.Budget(i), room), s.Pending.MaxTokens - s.Generated.Count - 1), 0, _speculator.MaxDraftTokens);
            _verifyBase[i] = _batch.Length(i);
        }
        _speculator.Propose(n, _draftWant, slots);
        var drafting = 0;
        for (var i = 0; i < n; i++)
        {
            drafting += _speculator.Proposal(i).Length > 0 ? 1 : 0;
        }
        if (drafting == 0)
        {
            return false;
        }
        var mixed = drafting < n;
        if (mixed)
        {
            for (var i = 0; i < n; i++)
            {
                _stepTokens[i] = slots[i].NextToken;
            }
            _batch.Decode(_stepTokens.AsSpan(0, n));
        }
        for (var i = 0; i < n; i++)
        {
            var s = slots[i];
            if (!s.Live)
            {
                continue;
            }
            if (_speculator.Proposal(i).Length > 0)
            {
                Verify(i, s, mixed, sink);
            }
            else
            {
                sink.Accept(s, sink.Choose(s, _batch.Logits(i)));
            }
        }
        // The whole step's time and energy, shared by the sequences in it; one over its cap ends now.
        sink.Ran(slots);
        Interlocked.Increment(ref _verifySteps);
        return true;
    }

    /// <summary>
    /// Verifies a slot's draft: the model's choice at each position while it equals the proposal, then the first that
    /// differs (or the one after the last proposal). After a batched decode (<paramref name="decoded"/>) the slot's
    /// logits already decide the first proposal, and the run over the rest is needed only if it was accepted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Verify(int row, Slot s, bool decoded, IStepSink sink)
    {
        var proposal = _speculator.Proposal(row);
        var historyBefore = s.HistoryLength;
        s.DraftedTokens += proposal.Length;
        Interlocked.Add(ref _draftedTokens, proposal.Length);
        // Logits deciding proposal j come from run position j (+ offset); the run holds the step's first token
        // unless the batched decode took it.
        var offset = decoded ? -1 : 0;
        var ran = false;
        if (!decoded)
        {
            _verifyTokens[0] = s.NextToken;
            proposal.CopyTo(_verifyTokens.AsSpan(1));
            _batch.Extend(row, _verifyTokens.AsSpan(0, proposal.Length + 1));
            ran = true;
        }
        var accepted = 0;
        for (var j = 0; j <= proposal.Length; j++)
        {
            if (j + offset >= 0 && !ran)
            {
                _batch.Extend(row, proposal);
                ran = true;
            }
            var logits = j + offset < 0 ? _batch.Logits(row) : _batch.ExtendLogits(j + offset);
            var token = j < proposal.Length ? s.Sampler!.Verify(logits, s.HistorySpan, proposal[j]) : sink.Choose(s, logits);
            var hit = j < proposal.Length && token == proposal[j];
            if (hit)
            {
                accepted++;
                s.AcceptedDraftTokens++;
            }
            sink.Accept(s, token);
            if (!hit || s.Finished)
            {
                break;
            }
        }
        Interlocked.Add(ref _acceptedDraftTokens, accepted);
        // The KV keeps the step's first token and the accepted proposals; the rejected tail is cut off.
        _batch.Truncate(row, Math.Min(_batch.Length(row), _verifyBase[row] + 1 + accepted));
        _speculator.Verified(row, historyBefore, proposal.Length, accepted);
    }

    public void Dispose() => _speculator.Dispose();
}
